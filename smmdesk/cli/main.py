"""``smmdesk-cli``: builds the parser from the command modules and runs one command.

Each module in COMMAND_MODULES (under ``smmdesk.cli``) exposes ``register(subparsers)``;
a module that does not exist yet is skipped, so the CLI works while others are written.
Exit codes: 0 success, 1 a failure the user must act on, 2 a usage error (argparse's).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from types import ModuleType

from smmdesk import __version__
from smmdesk.cli.common import PROG, add_common_options, run_command

COMMAND_MODULES = (
    "panels",
    "catalog",
    "orders",
    "refresh",
    "importing",
    "compare",
    "business",
    "backups",
)

DESCRIPTION = (
    "Manage SMM panels, their catalogs and your orders without the GUI. Every command "
    "takes --data-dir and --json."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{PROG}-cli", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_common_options(parser, top_level=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = _load(name)
        if module is not None:
            module.register(subparsers)
    return parser


def _load(name: str) -> ModuleType | None:
    qualified = f"smmdesk.cli.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name == qualified:  # not written yet; a missing import inside it is a bug
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (``smmdesk-cli`` exits with it)."""
    args = build_parser().parse_args(argv)
    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
