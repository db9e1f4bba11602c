"""``smmdesk-cli``: builds the parser from the command modules and runs one command.

Each module in COMMAND_MODULES (under ``smmdesk.cli``) exposes ``register(subparsers)``;
a module that does not exist yet is skipped, so the CLI works while others are written.
Exit codes: 0 success, 1 a failure the user must act on, 2 a usage error (argparse's).
The help is translated: the language is chosen (as ``run_command`` does) before the parser
is built, from the ``--data-dir`` given, without creating anything.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import platformdirs

from smmdesk import APP_NAME, __version__
from smmdesk.cli.common import PROG, HelpFormatter, add_common_options, run_command
from smmdesk.core.i18n import N_, _, choose_language, set_language
from smmdesk.core.paths import DATA_DIR_ENV
from smmdesk.core.settings import saved_language

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

DESCRIPTION = N_(
    "Manage SMM panels, their catalogs and your orders without the GUI. Every command "
    "takes --data-dir and --json."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG}-cli", description=_(DESCRIPTION), formatter_class=HelpFormatter
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show program's version number and exit"),
    )
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


def choose_help_language(argv: Sequence[str] | None) -> None:
    """Show the help and usage errors in the language the command will speak: the data
    folder's ``language`` setting (``$SMMDESK_LANG`` first), read without creating the
    folder (``--help`` must not make one)."""
    given = list(sys.argv[1:] if argv is None else argv)
    folder = None
    for at, arg in enumerate(given):
        if arg == "--":
            break
        if arg == "--data-dir" and at + 1 < len(given):
            folder = given[at + 1]
        elif arg.startswith("--data-dir="):
            folder = arg.partition("=")[2]
    chosen = (
        folder
        or os.environ.get(DATA_DIR_ENV)
        or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    )
    set_language(choose_language(saved_language(Path(chosen).expanduser())))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (``smmdesk-cli`` exits with it)."""
    choose_help_language(argv)
    args = build_parser().parse_args(argv)
    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
