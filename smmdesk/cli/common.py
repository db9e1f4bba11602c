"""What every CLI command shares: options, the Desk, output, warnings, failures, exit codes.

A command module exposes ``register(subparsers)`` and adds its commands with
``add_command``; a handler is ``async def handler(ctx: Context) -> int | None`` and runs
inside ``asyncio.run`` with an open Desk::

    def register(subparsers):
        parser = add_command(subparsers, "refresh", refresh, help="...")
        parser.add_argument("--panel", metavar="NAME")

    async def refresh(ctx: Context) -> None:
        changes = await ...(ctx.desk, ctx.args.panel)
        ctx.out({"checked": ...}, lambda: _("{count} orders checked").format(...))

Exit codes: 0 success; 1 a failure the user must act on (``fail(message)``, any
SmmdeskError, or a bug, each one line on stderr starting "smmdesk: "); 2 usage (argparse).
``--json`` output: Decimal as strings, datetimes ISO-8601, via ``dump_json``.

Human output, help and messages are translated (docs/translating.md); ``--json``, the
``smmdesk:`` prefix and exit codes never are. Help texts are ``_()`` calls run when the
parser is built: ``main`` chooses the language first.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError, ValidationError
from smmdesk.core.i18n import N_, _, choose_language, set_language, set_typed_language
from smmdesk.core.logs import setup_logging
from smmdesk.core.paths import data_dir
from smmdesk.core.secrets import KeyStore
from smmdesk.core.settings import saved_language
from smmdesk.core.store import Order
from smmdesk.core.store.sales import order_profit
from smmdesk.core.vocabulary import order_cost, order_status

PROG = "smmdesk"  # prefix of every line on stderr
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("smmdesk.cli")

Handler = Callable[["Context"], Awaitable[int | None]]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, taking every "%" of a (translated) help text literally: argparse
    fills ``%(default)s`` and the like into help, so a translation's "30 (%)" would otherwise
    stop --help. smmdesk's help texts use no such specifiers."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        return None if text is None else text.replace("%", "%%")


class CliFailure(Exception):
    """A failure the user must act on, raised by ``fail``: exit 1 with its message."""


def fail(message: str) -> NoReturn:
    """Stop the command: exit 1 with ``message`` (one sentence or two) on stderr."""
    raise CliFailure(message)


# --- options and registration ----------------------------------------------------------------


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--data-dir`` and ``--json``, accepted before and after the subcommand.

    The top-level parser sets the defaults; subcommand parsers use SUPPRESS so a value given
    before the subcommand is not overwritten by the subparser's default."""
    default = (lambda value: value) if top_level else (lambda _value: argparse.SUPPRESS)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default(None),
        help=_("the data folder (default: $SMMDESK_DATA_DIR, else the user data folder)"),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help=_("print machine-readable JSON"),
    )


def add_command(
    subparsers: Any, name: str, handler: Handler, *, help: str, **kwargs: Any
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` run by ``handler``, with the common options; return its parser
    (add the command's own arguments to it)."""
    kwargs.setdefault("formatter_class", HelpFormatter)
    parser = subparsers.add_parser(name, help=help, description=help, **kwargs)
    add_common_options(parser)
    parser.set_defaults(handler=handler)
    return parser


def add_group(subparsers: Any, name: str, *, help: str) -> Any:
    """A command with subcommands (``panel add``, ``order track``): returns its subparsers."""
    parser = subparsers.add_parser(name, help=help, description=help, formatter_class=HelpFormatter)
    add_common_options(parser)
    group = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)
    return group


# --- the context a handler gets --------------------------------------------------------------


@dataclasses.dataclass
class Context:
    """One command run: its arguments, the Desk, and where output goes."""

    args: argparse.Namespace
    desk: Desk
    log_path: Path
    home: Path | None = None  # the data folder of a command run without a Desk

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def folder(self) -> Path:
        return self.home if self.home is not None else self.desk.folder

    def out(self, obj_for_json: Any, text_for_humans: str | Callable[[], str]) -> None:
        """Print ``obj_for_json`` as JSON with ``--json``, else the text (or what it returns)."""
        if self.json:
            print(dump_json(obj_for_json), file=sys.stdout)
        else:
            text = text_for_humans() if callable(text_for_humans) else text_for_humans
            if text:
                print(text, file=sys.stdout)

    def warn(self, message: str) -> None:
        """A warning on stderr (also with --json): "smmdesk: warning: ..." (translated)."""
        warn(message)

    def note(self, message: str) -> None:
        """Information that is not the command's result, on stderr: "smmdesk: ..."."""
        error_line(message)


def warn(message: str) -> None:
    # Translators: the start of a warning on the terminal, after "smmdesk: ".
    error_line(_("warning: {message}").format(message=message))


def error_line(message: str) -> None:
    """One line on stderr: "smmdesk: message" (newlines folded into spaces)."""
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- running a handler -----------------------------------------------------------------------


def run_command(args: argparse.Namespace) -> int:
    """Open the Desk for ``args.data_dir``, run ``args.handler`` on a fresh event loop, and
    turn what happened into an exit code (messages on stderr)."""
    log_path: Path | None = None
    try:
        folder = data_dir(getattr(args, "data_dir", None))
        # --json is for programs: all it prints, the texts inside the values included (a
        # cancel's message, an order's problem), is the same in every language: English
        language = choose_language(saved_language(folder))
        if getattr(args, "json", False):
            set_language("en")
            set_typed_language(language)  # what the user typed is still read their way
        else:
            set_language(language)
        log_path = setup_logging(folder)
        if getattr(args, "without_desk", False):  # backups: must work on a damaged order book
            ctx = Context(args, None, log_path, home=folder)  # type: ignore[arg-type]
            return int(asyncio.run(args.handler(ctx)) or EXIT_OK)
        return asyncio.run(_run(args, folder, log_path))
    except CliFailure as exc:
        log.info("command failed: %s", exc)
        error_line(str(exc))
    except ValidationError as exc:
        log.info("command failed: %s", exc)
        error_line(problems_text(exc))
    except SmmdeskError as exc:
        log.info("command failed: %s", exc)
        error_line(str(exc))
    except BrokenPipeError:  # e.g. `smmdesk-cli orders | head`: the reader has gone
        _silence_stdout()
    except KeyboardInterrupt:
        error_line(_("interrupted."))
    except Exception:
        log.exception("unexpected error in %s", getattr(args, "command", "command"))
        if log_path is not None:
            error_line(_("unexpected error, details in {log}").format(log=log_path))
        else:
            error_line(_("unexpected error, details in the log"))
    return EXIT_FAILURE


def _silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush doesn't fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (captured in tests)
        pass


async def _run(args: argparse.Namespace, folder: Path, log_path: Path) -> int:
    desk = Desk(folder, KeyStore())
    try:
        for order in desk.stale_sending:
            warn(
                _(
                    "order #{id} on {panel} was being sent when smmdesk stopped, so it may or "
                    "may not have been placed. Check the panel, then run 'smmdesk-cli order "
                    "resolve {id} REMOTE_ID' or '--not-placed'."
                ).format(id=order.id, panel=order.panel_name)
            )
        code = await args.handler(Context(args, desk, log_path))
        return EXIT_OK if code is None else int(code)
    finally:
        await desk.aclose()


def problems_text(exc: ValidationError) -> str:
    """Every problem of a ValidationError on one line: "quantity: ... runs: ..."."""
    if not exc.problems:
        return str(exc)
    parts = []
    for problem in exc.problems:
        message = problem.message.strip()
        if not message.endswith((".", "!", "?", "।", "؟")):  # Hindi and Arabic end marks too
            message += "."
        parts.append(f"{problem.field}: {message}" if problem.field else message)
    return " ".join(parts)


# --- input -------------------------------------------------------------------------------------


def local_id(text: str) -> int:
    """An argparse type: smmdesk's order number, "12" or "#12"."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(
            _("'{text}' is not an order number like 12 or #12").format(text=text)
        )
    return int(digits)


def read_secret(prompt: str) -> str:
    """A secret from stdin: prompted without echo on a terminal, else the first line."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(prompt).strip()
        except EOFError:
            return ""
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()


def confirm(question: str, *, assume_yes: bool) -> bool:
    """True when ``--yes`` was given or the user answers yes on a terminal.

    Without a terminal and without ``--yes`` nothing may be sent: fail with what to do."""
    if assume_yes:
        return True
    if not (sys.stdin is not None and sys.stdin.isatty()):
        fail(_("Nothing was sent: add --yes to confirm when not running in a terminal."))
    # Translators: asks to confirm; {question} is a whole question. Keep "y/N" if the
    # answers stay y and yes; the English "y" and "yes" are always accepted.
    print(_("{question} [y/N] ").format(question=question), end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    # Translators: the answers that mean yes to a question [y/N], separated by "|".
    yes = {word.strip().lower() for word in _("y|yes").split("|")}
    return answer in {"y", "yes"} | yes


# --- output ------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """``value`` with Decimal as strings, datetimes ISO, dataclasses as dicts, Paths as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def dump_json(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, indent=2)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, right: str = "") -> str:
    """An aligned plain-text table. ``headers``: English column names marked with ``N_``,
    translated here; ``right``: the (English) header names whose column aligns right."""
    cells = [[_cell(v) for v in row] for row in rows]
    shown = [_(h) for h in headers]
    widths = [len(h) for h in shown]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    right_aligned = set(right.split())

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if h in right_aligned else v.ljust(w)
            for h, v, w in zip(headers, values, widths, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(shown), *(line(row) for row in cells)])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return one_line(str(value))


def order_json(order: Order) -> dict[str, Any]:
    """An order as the CLI prints it with --json (strings for money, ISO times)."""
    return jsonable(
        {
            "id": order.id,
            "panel": order.panel_name,
            "remote_id": order.remote_id,
            "service": order.service_id,
            "service_name": order.service_name,
            "type": order.service_type,
            "link": order.link,
            "quantity": order.quantity,
            "expected_cost": order.expected_cost,
            "charge": order.charge,
            "currency": order.currency,
            "status": order.status,
            "raw_status": order.raw_status,
            "start_count": order.start_count,
            "remains": order.remains,
            "state": order.state,
            "error": order.error,
            "lost": order.lost,
            "final": order.final,
            "source": order.source,
            "reference": order.reference,
            "sale_price": order.sale_price,
            "profit": order_profit(order),
            "params": dict(order.params),
            "created_at": order.created_at,
            "updated_at": order.updated_at,
            "checked_at": order.checked_at,
        }
    )


ORDER_HEADERS = (
    # Translators: the column headers of the terminal's tables, in capitals as the terminal
    # shows them (QTY: quantity; REMOTE: the order's id on the panel).
    N_("ID"),
    N_("PANEL"),
    N_("REMOTE"),
    N_("SERVICE"),
    N_("QTY"),
    N_("COST"),
    N_("STATUS"),
    N_("STATE"),
    N_("CREATED"),
)


def order_row(order: Order) -> list[Any]:
    """One order as a row under ORDER_HEADERS (plus LINK when ``orders_table`` adds it)."""
    return [
        f"#{order.id}",
        order.panel_name,
        order.remote_id or "",
        order.service_id or "",
        order.quantity,
        order_cost(order),
        order_status(order),
        order.state.words,
        order.created_at,
    ]


def orders_table(orders: Sequence[Order]) -> str:
    """Orders as an aligned table (the link last, so long links don't push columns)."""
    if not orders:
        return _("No orders.")
    return table(
        (*ORDER_HEADERS, N_("LINK")),
        ([*order_row(o), o.link or ""] for o in orders),
        right="QTY COST",
    )
