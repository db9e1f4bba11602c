"""Entry point of the built ``smmdesk-cli`` program (PyInstaller starts here): the CLI."""

import sys

from smmdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
