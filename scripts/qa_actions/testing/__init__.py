"""Pytest plugins and helpers for the tests of projects that use qa-actions."""
