"""qa-actions: one QA suite for every Python repository."""

__version__ = "0.1.0"
