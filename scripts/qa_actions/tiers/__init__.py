"""Running a tier: pytest and its arguments, chaostoolkit experiments, locust and its target, shards, plan, plugins."""
