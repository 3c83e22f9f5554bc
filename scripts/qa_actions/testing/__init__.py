"""Helpers that tests of qa-actions users import: fault injection (`faults`) and ACID checks (`acid`).

Both are pytest plugins registered by entry points (`qa_faults`, `qa_acid`), so installing qa-actions
in a project's test environment makes their fixtures available without a conftest import.
"""
