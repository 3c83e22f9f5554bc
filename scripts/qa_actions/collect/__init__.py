"""Raw output in a results folder -> the results model.

Merging, JUnit, coverage, chaos journal, locust stats, changed lines and the git diff they need.
"""
