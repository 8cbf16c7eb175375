"""The ``tenbin`` command line: thin commands that call the packages and render with Rich."""
