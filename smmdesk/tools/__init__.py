"""Developer tools run from a checkout (``python -m smmdesk.tools.<name>``), not at run time."""
