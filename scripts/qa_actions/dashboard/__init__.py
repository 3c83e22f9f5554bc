"""The static dashboard: a model computed from the history, rendered to one self-contained index.html."""
