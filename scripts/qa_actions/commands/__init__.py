"""One module per `qa` sub-command; cli.py imports a module only when its command runs."""
