"""The static dashboard: a model computed from the history, rendered to one self-contained index.html.

Where `qa dashboard` puts it by default is said here once: the report links to it and the report
action uploads it from there.
"""

