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
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.importer import ledger, read_order_file
from smmdesk.core.importer.results import result_path, write_results
from smmdesk.core.importer.submit import (
    DEFAULT_CONCURRENCY,
    Control,
    Progress,
    Report,
    RowResult,
)
from smmdesk.core.importer.validate import PanelTotal, Preview, PreviewRow, validate
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
# The ``imports`` columns of IMPORT_COUNTS, by its titles (translated in ``table``).
COUNT_HEADERS = {
    "Placed": N_("PLACED"),
    "Failed": N_("FAILED"),
    "Unknown": N_("UNKNOWN"),
    "Not sent": N_("NOT SENT"),
}


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "import",
        import_command,
        help=_("place orders from a CSV or mass-order file, each exactly once"),
    )
    parser.add_argument(
        "file", metavar="FILE", help=_("the CSV or mass-order text file (- = stdin)")
    )
    parser.add_argument("--panel", metavar="NAME", help=_("the panel for rows that name none"))
    parser.add_argument("--dry-run", action="store_true", help=_("show the preview, send nothing"))
    parser.add_argument("--yes", action="store_true", help=_("place without asking"))
    parser.add_argument(
        "--skip-duplicates",
        action="store_true",
        help=_("leave out rows identical to an order already sent from another file"),
    )
    parser.add_argument(
        "--resolve",
        metavar="ROW=REMOTE_ID",
        action="append",
        default=[],
        help=_("a row whose outcome was unknown is on the panel as REMOTE_ID"),
    )
    parser.add_argument(
        "--resend",
        metavar="ROW",
        type=int,
        action="append",
        default=[],
        help=_("a row whose outcome was unknown is not on the panel: send it again"),
    )
    parser.add_argument(
        "--not-placed",
        metavar="ROW",
        type=int,
        action="append",
        default=[],
        help=_("a row whose outcome was unknown is not on the panel: leave it"),
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        # Translators: how many orders smmdesk sends to one panel at the same time.
        help=_("adds in flight per panel (default {count})").format(count=DEFAULT_CONCURRENCY),
    )
    listing = add_command(subparsers, "imports", imports_command, help=_("list earlier imports"))
    listing.add_argument("--limit", type=int, default=20, metavar="N")


async def import_command(ctx: Context) -> int:
    args = ctx.args
    if not ctx.desk.panels():
        fail(_("No panels yet. Add one with: smmdesk-cli panel add NAME URL"))
    data, name = _read(args.file)
    order_file = await asyncio.to_thread(read_order_file, data, name=name)
    _resolve(ctx, order_file.content_hash)
    preview = await validate(ctx.desk, order_file, panel=args.panel)
    if not ctx.json:
        print(preview_text(preview))
    _warn_unresolved(preview)
    if args.dry_run:
        ctx.out(preview_json(preview), _("Dry run: nothing was sent."))
        return 0
    sending = [r for r in preview.to_send if not (args.skip_duplicates and r.duplicate)]
    if sending and not _confirmed(ctx, preview, sending):
        ctx.note(_("Nothing was sent."))
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
        fail(
            # Translators: {reason} is the system's reason, e.g. "No such file or directory".
            _("Cannot read {file}: {reason}. Check the file's name and folder.").format(
                file=file, reason=exc.strerror or exc
            )
        )


def _resolve(ctx: Context, file_hash: str) -> None:
    """Apply --resolve / --resend / --not-placed (all checked before any is applied)."""
    args = ctx.args
    wanted: dict[int, dict[str, Any]] = {}
    for item in args.resolve:
        row, _sep, remote_id = item.partition("=")
        if not row.strip().isdigit() or not remote_id.strip():
            fail(
                _("--resolve takes ROW=REMOTE_ID, like --resolve 12=98765 (not “{given}”).").format(
                    given=item
                )
            )
        wanted[int(row)] = {"remote_id": remote_id.strip()}
    wanted |= {row: {"resend": True} for row in args.resend}
    wanted |= {row: {} for row in args.not_placed}
    if not wanted:
        return
    record = ctx.desk.read.find_import(file_hash)
    if record is None:
        fail(_("This file was never imported, so none of its rows can be resolved."))
    rows = {r.number: r for r in ctx.desk.read.load_rows(record.id)}
    settled = [n for n in wanted if n not in rows or rows[n].state not in ledger.UNSETTLED]
    if settled:
        listed = ", ".join(str(n) for n in sorted(settled))
        fail(
            # Translators: {rows} lists row numbers ("4, 7").
            ngettext(
                "Only rows whose outcome is unknown can be resolved; not row(s) {rows}.",
                "Only rows whose outcome is unknown can be resolved; not row(s) {rows}.",
                len(settled),
            ).format(rows=listed)
        )
    for number, how in sorted(wanted.items()):
        row = ctx.desk.imports.resolve_row(record.id, number, **how)
        ctx.note(
            # Translators: {result} says what happened to the row ("placed as 98765").
            _("row {number}: {result}.").format(
                number=number, result=row_result(row.state, row.remote_id)
            )
        )


def _confirmed(ctx: Context, preview: Preview, sending: list[PreviewRow]) -> bool:
    for total in preview.totals:
        if total.short:
            cost, balance = (format_money(m, total.currency) for m in (total.cost, total.balance))
            warn(
                _(
                    "the rows for {panel} cost {cost}, more than its last known balance "
                    "{balance}: the panel will refuse the orders once the balance runs out. "
                    "Add funds on the panel first to place them all."
                ).format(panel=total.panel, cost=cost, balance=balance)
            )
    duplicates = [r for r in sending if r.duplicate]
    if duplicates:
        warn(
            ngettext(
                "{count} row(s) look like orders already sent from another file (see the "
                "preview); add --skip-duplicates to leave them out.",
                "{count} row(s) look like orders already sent from another file (see the "
                "preview); add --skip-duplicates to leave them out.",
                len(duplicates),
            ).format(count=len(duplicates))
        )
    # Translators: {cost} is what the orders cost, e.g. "0.07 USD".
    question = ngettext(
        "Place {count} orders for {cost}?", "Place {count} orders for {cost}?", len(sending)
    )
    return confirm(
        question.format(count=len(sending), cost=preview.cost_text(sending)),
        assume_yes=ctx.args.yes,
    )


@contextlib.contextmanager
def _progress(ctx: Context, total: int) -> Iterator[tuple[Any, Control]]:
    """A progress printer for stderr, and a Control that Ctrl+C cancels gracefully (the
    orders in flight are settled; a second Ctrl+C stops at once)."""
    control = Control()
    tty = sys.stderr.isatty()

    def on_progress(progress: Progress) -> None:
        row = progress.row
        # Translators: the progress of an import: rows done of all, and how they went.
        counts = _("{done}/{total} (placed {placed}, failed {failed}, unknown {unknown})").format(
            done=progress.done,
            total=progress.total,
            placed=progress.placed,
            failed=progress.failed,
            unknown=progress.unknown,
        )
        if tty:
            shown = _("Placing orders: {progress}").format(progress=counts)
            print(f"\r{shown}", end="", file=sys.stderr, flush=True)
        elif row is not None:
            what = one_line(row_result(row.state, row.remote_id, row.error))
            # Translators: {progress} is the progress above; {result} what the row became.
            line = _("[{progress}] row {number}: {result}").format(
                progress=counts, number=row.number, result=what
            )
            print(f"smmdesk: {line}", file=sys.stderr)

    loop = asyncio.get_running_loop()

    def on_interrupt() -> None:
        loop.remove_signal_handler(signal.SIGINT)
        control.cancel()
        print(file=sys.stderr)
        warn(_("finishing the orders in flight (Ctrl+C again stops at once)."))

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
        # Translators: {rows} lists row numbers ("1, 2, 3"); the options stay as they are.
        text = ngettext(
            "{count} row(s) were sent before but their outcome is unknown (rows {rows}); they "
            "are NOT sent again. Check the panel's order list, then run this import with "
            "--resolve ROW=REMOTE_ID (it is there), --resend ROW or --not-placed ROW.",
            "{count} row(s) were sent before but their outcome is unknown (rows {rows}); they "
            "are NOT sent again. Check the panel's order list, then run this import with "
            "--resolve ROW=REMOTE_ID (it is there), --resend ROW or --not-placed ROW.",
            len(rows),
        )
        warn(text.format(count=len(rows), rows=numbers))


def _exit_code(report: Report) -> int:
    counts = report.counts()
    missing = counts["rows"] - counts[RowState.PLACED]
    if not missing:
        return 0
    text = ngettext(
        "{missing} of {count} rows are not placed ({failed} failed or invalid, {unknown} "
        "unknown, {skipped} not sent); see the result file.",
        "{missing} of {count} rows are not placed ({failed} failed or invalid, {unknown} "
        "unknown, {skipped} not sent); see the result file.",
        counts["rows"],
    )
    fail(
        text.format(
            missing=missing,
            count=counts["rows"],
            failed=counts[RowState.FAILED],
            unknown=counts[RowState.UNKNOWN],
            skipped=counts[RowState.SKIPPED],
        )
    )


# --- output ------------------------------------------------------------------------------


def row_status(row: PreviewRow) -> str:
    """One preview row's last column: what will happen, or why not (as the window says;
    an error is marked, the terminal has no red)."""
    text = row_preview(row)
    # Translators: marks a row's error in the terminal's preview (it has no red).
    return _("ERROR: {error}").format(error=text) if row.error and text == row.error else text


def preview_text(preview: Preview) -> str:
    headers = (
        N_("ROW"),
        N_("PANEL"),
        N_("SERVICE"),
        N_("TYPE"),
        N_("QTY"),
        N_("COST"),
        N_("LINK"),
        N_("STATUS"),
    )
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
    # Translators: {note} is a sentence about the file (how it was read).
    lines += [_("Note: {note}").format(note=note) for note in preview.notes]
    lines += [_total_text(t) for t in preview.totals]
    count = len(preview.rows)
    summary = ngettext(
        "{count} rows: {to_place} to place, {errors} with errors, {before} placed before, "
        "{unknown} unknown.",
        "{count} rows: {to_place} to place, {errors} with errors, {before} placed before, "
        "{unknown} unknown.",
        count,
    )
    lines.append(
        summary.format(
            count=count,
            to_place=len(preview.to_send),
            errors=len(preview.invalid),
            before=len(preview.placed),
            unknown=len(preview.unresolved),
        )
    )
    return "\n".join(lines)


def _total_text(total: PanelTotal) -> str:
    """One panel's total under the preview: rows, cost, and the balance when known."""
    shown = {
        "panel": total.panel,
        "count": total.rows,
        "cost": format_money(total.cost, total.currency),
    }
    if total.balance is None:
        text = ngettext(
            "Total for {panel}: {count} orders, {cost}",
            "Total for {panel}: {count} orders, {cost}",
            total.rows,
        )
        if total.short:
            text = ngettext(
                "Total for {panel}: {count} orders, {cost} (NOT ENOUGH)",
                "Total for {panel}: {count} orders, {cost} (NOT ENOUGH)",
                total.rows,
            )
        return text.format(**shown)
    balance = format_money(total.balance, total.currency)
    if total.short:
        # Translators: the balance is too low for these orders.
        text = ngettext(
            "Total for {panel}: {count} orders, {cost}; balance {balance} (NOT ENOUGH)",
            "Total for {panel}: {count} orders, {cost}; balance {balance} (NOT ENOUGH)",
            total.rows,
        )
    else:
        text = ngettext(
            "Total for {panel}: {count} orders, {cost}; balance {balance}",
            "Total for {panel}: {count} orders, {cost}; balance {balance}",
            total.rows,
        )
    return text.format(balance=balance, **shown)


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
        # Translators: {summary} is a sentence counting the rows placed, failed, unknown.
        _("Import #{id} ({file}): {summary}").format(
            id=report.import_id, file=report.file_name, summary=import_summary(c)
        ),
        *(
            # Translators: the import stopped sending to {panel}; {reason} says why.
            _("Stopped {panel}: {reason}").format(panel=panel, reason=why)
            for panel, why in report.stopped.items()
        ),
    ]
    if report.canceled:
        lines.append(_("Canceled: run the import again to place the rest."))
    for row in report.unresolved:
        lines.append(
            _("Row {number} ({link}): outcome unknown, check the panel.").format(
                number=row.number, link=row.link
            )
        )
    # Translators: {file} is the path of the result file.
    lines.append(_("Results: {file}").format(file=path))
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
        return _("No imports yet.")
    counted = (COUNT_HEADERS.get(title, title.upper()) for title, _states in IMPORT_COUNTS)
    headers = (N_("ID"), N_("UPDATED"), N_("FILE"), N_("ROWS"), *counted)
    return table(
        headers,
        ([r.id, r.updated_at, r.file_name, r.row_count, *import_counts(r.counts)] for r in records),
        right="ROWS PLACED FAILED UNKNOWN",
    )
