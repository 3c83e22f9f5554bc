"""Test-impact selection (issue 20): which tests a change can break, from a map of what each test ran.

`blocks.py` finds a file's code blocks and fingerprints them, `map.py` reduces a coverage data file
recorded with per-test contexts to the map, `select.py` decides (a pure function) what a change
must run. The map is kept in the history database (`history/store.py`); `store.py` here converts.
"""
