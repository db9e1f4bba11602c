"""CLI commands for bulk import: ``import FILE`` and ``imports``.

``import FILE [--panel NAME] [--dry-run] [--yes]`` reads a CSV or mass-order file (``-`` for
stdin), prints the preview (every row: panel, service, type, quantity, cost, error; totals
per panel against the balance), asks before placing (``--yes`` to skip the question), places
each valid row exactly once with progress on stderr, and writes a per-row result CSV into
the data folder's ``imports`` folder. Running it again on the same file places only the
rows never sent. Rows whose outcome is unknown are listed and never resent; settle them with
``--resolve ROW=REMOTE_ID`` (the panel has it), ``--resend ROW`` (it does not: send it
again) or ``--not-placed ROW`` (it does not: leave it). ``imports`` lists earlier imports.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from smmdesk.cli.common import (
    Context,
    add_command,
    confirm,
    fail,
    jsonable,
    one_line,
    table,
    warn,
)
from smmdesk.core.importer import ledger, read_order_file
from smmdesk.core.importer.results import result_path, write_results
from smmdesk.core.importer.submit import (
    DEFAULT_CONCURRENCY,
    Control,
    Progress,
    Report,
    RowResult,
)
from smmdesk.core.importer.validate import Preview, PreviewRow, validate
from smmdesk.core.money import format_money
from smmdesk.core.ordertypes.fields import shown
from smmdesk.core.vocabulary import (
    IMPORT_COUNTS,
    RowState,
    import_counts,
    import_summary,
    row_preview,
    row_result,
)

SHOWN_NAME = 34  # service names are cut to this many characters in the preview


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "import",
        import_command,
        help="place orders from a CSV or mass-order file, each exactly once",
    )
    parser.add_argument("file", metavar="FILE", help="the CSV or mass-order text file (- = stdin)")
    parser.add_argument("--panel", metavar="NAME", help="the panel for rows that name none")
    parser.add_argument("--dry-run", action="store_true", help="show the preview, send nothing")
    parser.add_argument("--yes", action="store_true", help="place without asking")
    parser.add_argument(
        "--skip-duplicates",
        action="store_true",
        help="leave out rows identical to an order already sent from another file",
    )
    parser.add_argument(
        "--resolve",
        metavar="ROW=REMOTE_ID",
        action="append",
        default=[],
        help="a row whose outcome was unknown is on the panel as REMOTE_ID",
    )
    parser.add_argument(
        "--resend",
        metavar="ROW",
        type=int,
        action="append",
        default=[],
        help="a row whose outcome was unknown is not on the panel: send it again",
    )
    parser.add_argument(
        "--not-placed",
        metavar="ROW",
        type=int,
        action="append",
        default=[],
        help="a row whose outcome was unknown is not on the panel: leave it",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"adds in flight per panel (default {DEFAULT_CONCURRENCY})",
    )
    listing = add_command(subparsers, "imports", imports_command, help="list earlier imports")
    listing.add_argument("--limit", type=int, default=20, metavar="N")


async def import_command(ctx: Context) -> int:
    args = ctx.args
    if not ctx.desk.panels():
        fail("No panels yet. Add one with: smmdesk-cli panel add NAME URL")
    data, name = _read(args.file)
    order_file = await asyncio.to_thread(read_order_file, data, name=name)
    _resolve(ctx, order_file.content_hash)
    preview = await validate(ctx.desk, order_file, panel=args.panel)
    if not ctx.json:
        print(preview_text(preview))
    _warn_unresolved(preview)
    if args.dry_run:
        ctx.out(preview_json(preview), "Dry run: nothing was sent.")
        return 0
    sending = [r for r in preview.to_send if not (args.skip_duplicates and r.duplicate)]
    if sending and not _confirmed(ctx, preview, sending):
        ctx.note("Nothing was sent.")
        return 0
    with _progress(ctx, len(sending)) as (on_progress, control):
        report = await ctx.desk.imports.submit(
            preview,
            control=control,
            on_progress=on_progress,
            concurrency=args.concurrency,
            skip_duplicates=args.skip_duplicates,
        )
    path = write_results(result_path(ctx.folder, report.import_id, report.file_name), report.rows)
    ctx.out(report_json(report, path), lambda: report_text(report, path))
    return _exit_code(report)


async def imports_command(ctx: Context) -> None:
    records = ctx.desk.read.list_imports(ctx.args.limit)
    ctx.out([import_json(r) for r in records], lambda: imports_text(records))


# --- input -------------------------------------------------------------------------------


def _read(file: str) -> tuple[bytes, str]:
    if file == "-":
        return sys.stdin.buffer.read(), "stdin"
    path = Path(file).expanduser()
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        fail(f"Cannot read {file}: {exc.strerror or exc}. Check the file's name and folder.")


def _resolve(ctx: Context, file_hash: str) -> None:
    """Apply --resolve / --resend / --not-placed (all checked before any is applied)."""
    args = ctx.args
    wanted: dict[int, dict[str, Any]] = {}
    for item in args.resolve:
        row, _, remote_id = item.partition("=")
        if not row.strip().isdigit() or not remote_id.strip():
            fail(f"--resolve takes ROW=REMOTE_ID, like --resolve 12=98765 (not “{item}”).")
        wanted[int(row)] = {"remote_id": remote_id.strip()}
    wanted |= {row: {"resend": True} for row in args.resend}
    wanted |= {row: {} for row in args.not_placed}
    if not wanted:
        return
    record = ctx.desk.read.find_import(file_hash)
    if record is None:
        fail("This file was never imported, so none of its rows can be resolved.")
    rows = {r.number: r for r in ctx.desk.read.load_rows(record.id)}
    settled = [n for n in wanted if n not in rows or rows[n].state not in ledger.UNSETTLED]
    if settled:
        listed = ", ".join(str(n) for n in sorted(settled))
        fail(f"Only rows whose outcome is unknown can be resolved; not row(s) {listed}.")
    for number, how in sorted(wanted.items()):
        row = ctx.desk.imports.resolve_row(record.id, number, **how)
        ctx.note(f"row {number}: {row_result(row.state, row.remote_id)}.")


def _confirmed(ctx: Context, preview: Preview, sending: list[PreviewRow]) -> bool:
    for total in preview.totals:
        if total.short:
            cost, balance = (format_money(m, total.currency) for m in (total.cost, total.balance))
            warn(
                f"the rows for {total.panel} cost {cost}, more than its last known balance "
                f"{balance}: the panel will refuse the orders once the balance runs out. Add "
                "funds on the panel first to place them all."
            )
    duplicates = [r for r in sending if r.duplicate]
    if duplicates:
        warn(
            f"{len(duplicates)} row(s) look like orders already sent from another file (see "
            "the preview); add --skip-duplicates to leave them out."
        )
    cost = preview.cost_text(sending)
    return confirm(f"Place {len(sending)} orders for {cost}?", assume_yes=ctx.args.yes)


@contextlib.contextmanager
def _progress(ctx: Context, total: int) -> Iterator[tuple[Any, Control]]:
    """A progress printer for stderr, and a Control that Ctrl+C cancels gracefully (the
    orders in flight are settled; a second Ctrl+C stops at once)."""
    control = Control()
    tty = sys.stderr.isatty()

    def on_progress(progress: Progress) -> None:
        row = progress.row
        counts = (
            f"{progress.done}/{progress.total} (placed {progress.placed}, failed "
            f"{progress.failed}, unknown {progress.unknown})"
        )
        if tty:
            print(f"\rPlacing orders: {counts}", end="", file=sys.stderr, flush=True)
        elif row is not None:
            what = one_line(row_result(row.state, row.remote_id, row.error))
            print(f"smmdesk: [{counts}] row {row.number}: {what}", file=sys.stderr)

    loop = asyncio.get_running_loop()

    def on_interrupt() -> None:
        loop.remove_signal_handler(signal.SIGINT)
        control.cancel()
        print(file=sys.stderr)
        warn("finishing the orders in flight (Ctrl+C again stops at once).")

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    try:
        yield on_progress, control
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        if tty and total:
            print(file=sys.stderr)


def _warn_unresolved(preview: Preview) -> None:
    rows = preview.unresolved
    if rows:
        numbers = ", ".join(str(r.number) for r in rows[:20]) + (" ..." if len(rows) > 20 else "")
        warn(
            f"{len(rows)} row(s) were sent before but their outcome is unknown (rows {numbers}); "
            "they are NOT sent again. Check the panel's order list, then run this import with "
            "--resolve ROW=REMOTE_ID (it is there), --resend ROW or --not-placed ROW."
        )


def _exit_code(report: Report) -> int:
    counts = report.counts()
    missing = counts["rows"] - counts[RowState.PLACED]
    if not missing:
        return 0
    fail(
        f"{missing} of {counts['rows']} rows are not placed ({counts[RowState.FAILED]} failed "
        f"or invalid, {counts[RowState.UNKNOWN]} unknown, {counts[RowState.SKIPPED]} not sent); "
        "see the result file."
    )


# --- output ------------------------------------------------------------------------------


def row_status(row: PreviewRow) -> str:
    """One preview row's last column: what will happen, or why not (as the window says;
    an error is marked, the terminal has no red)."""
    text = row_preview(row)
    return f"ERROR: {text}" if row.error and text == row.error else text


def preview_text(preview: Preview) -> str:
    headers = ("ROW", "PANEL", "SERVICE", "TYPE", "QTY", "COST", "LINK", "STATUS")
    lines = [
        table(
            headers,
            (
                [
                    r.number,
                    r.panel or "",
                    _service_text(r),
                    r.type_name or "",
                    r.quantity,
                    format_money(r.expected_cost, r.currency),
                    r.link or "",
                    row_status(r),
                ]
                for r in preview.rows
            ),
            right="ROW QTY COST",
        )
    ]
    lines += [f"Note: {note}" for note in preview.notes]
    for t in preview.totals:
        cost = format_money(t.cost, t.currency)
        after = f"; balance {format_money(t.balance, t.currency)}" if t.balance is not None else ""
        short = " (NOT ENOUGH)" if t.short else ""
        lines.append(f"Total for {t.panel}: {t.rows} orders, {cost}{after}{short}")
    lines.append(
        f"{len(preview.rows)} rows: {len(preview.to_send)} to place, {len(preview.invalid)} "
        f"with errors, {len(preview.placed)} placed before, {len(preview.unresolved)} unknown."
    )
    return "\n".join(lines)


def _service_text(row: PreviewRow) -> str:
    name = shown(row.service_name or "", SHOWN_NAME)
    return f"{row.service_id} {name}".strip() if row.service_id else ""


def preview_json(preview: Preview) -> dict[str, Any]:
    rows = preview.rows
    return jsonable(
        {
            "rows": len(rows),
            RowState.PLACED: len(preview.placed),
            RowState.FAILED: len(preview.invalid),
            RowState.SKIPPED: len(preview.to_send),
            RowState.UNKNOWN: len(preview.unresolved),
            "dry_run": True,
            "file": preview.file.name,
            "format": preview.file.format,
            "notes": preview.notes,
            "totals": preview.totals,
            "preview": [_preview_row_json(r) for r in rows],
        }
    )


def _preview_row_json(row: PreviewRow) -> dict[str, Any]:
    return {
        "row": row.number,
        "line": row.line,
        "panel": row.panel,
        "service": row.service_id,
        "service_name": row.service_name,
        "type": row.type_name,
        "quantity": row.quantity,
        "expected_cost": row.expected_cost,
        "currency": row.currency,
        "link": row.link,
        "state": row.state,
        "to_place": row.to_send,
        "error": row.error,
        "warnings": list(row.warnings),
        "duplicate": row.duplicate,
        "remote_id": row.remote_id,
    }


def report_json(report: Report, path: Path) -> dict[str, Any]:
    return jsonable(
        {
            "import_id": report.import_id,
            "file": report.file_name,
            "result_file": path,
            "stopped": report.stopped,
            "canceled": report.canceled,
            "unresolved": [result_json(r) for r in report.unresolved],
            "results": [result_json(r) for r in report.rows],
            **report.counts(),
        }
    )


def result_json(row: RowResult) -> dict[str, Any]:
    """One row's outcome, with the result file's column names."""
    return {
        "row": row.number,
        "panel": row.panel,
        "service": row.service,
        "link": row.link,
        "state": row.state,
        "remote_id": row.remote_id,
        "order_id": row.order_id,
        "error": row.error,
    }


def report_text(report: Report, path: Path) -> str:
    c = report.counts()
    lines = [
        f"Import #{report.import_id} ({report.file_name}): {import_summary(c)}",
        *(f"Stopped {panel}: {why}" for panel, why in report.stopped.items()),
    ]
    if report.canceled:
        lines.append("Canceled: run the import again to place the rest.")
    for row in report.unresolved:
        lines.append(f"Row {row.number} ({row.link}): outcome unknown, check the panel.")
    lines.append(f"Results: {path}")
    return "\n".join(lines)


def import_json(record: ledger.ImportRecord) -> dict[str, Any]:
    return jsonable(
        {
            "id": record.id,
            "file": record.file_name,
            "file_hash": record.file_hash,
            "format": record.format,
            "rows": record.row_count,
            "counts": dict(record.counts),
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }
    )


def imports_text(records: list[ledger.ImportRecord]) -> str:
    if not records:
        return "No imports yet."
    headers = ("ID", "UPDATED", "FILE", "ROWS", *(title.upper() for title, _ in IMPORT_COUNTS))
    return table(
        headers,
        ([r.id, r.updated_at, r.file_name, r.row_count, *import_counts(r.counts)] for r in records),
        right="ROWS PLACED FAILED UNKNOWN",
    )
