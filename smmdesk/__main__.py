"""``python -m smmdesk``: the desktop program (same as the ``smmdesk`` command)."""

from smmdesk.app import main

raise SystemExit(main())
