"""Entry point of the built ``smmdesk`` program (PyInstaller starts here): the GUI."""

import sys

from smmdesk.app import main

if __name__ == "__main__":
    sys.exit(main())
