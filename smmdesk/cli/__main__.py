"""``python -m smmdesk.cli``: the same as ``smmdesk-cli``."""

import sys

from smmdesk.cli.main import main

sys.exit(main())
