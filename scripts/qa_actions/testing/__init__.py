"""Pytest plugins and helpers for the tests of projects that use qa-actions.

Each plugin has its own `pytest11` entry point, so installing qa-actions in a project's test
environment makes its fixtures available without a conftest import: `qa_env` (environments and
test data), `qa_faults` (fault injection, `faults.py`) and `qa_acid` (ACID checks, `acid.py`).
"""
