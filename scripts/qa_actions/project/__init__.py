"""The project under test: its interpreter, sources, processes, environment and run info."""
