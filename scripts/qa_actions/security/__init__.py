"""Security scans: bandit over the project's code, safety or pip-audit over its dependencies, SARIF out.

Each scan writes its raw tool output and a `scan.json` (a serialised `ScanResult`) into its own
folder under `<results>/security/`, so `qa collect` merges scans run in other jobs like tiers.
"""
