"""The import wizard (smmdesk.ui.importing.wizard) against the demo panel, offscreen.

A file and pasted mass-order text go through the preview (errors red, totals against the
balance), placing (progress, pause/resume, cancel, each row's result), the history (reopen
an earlier import and place what is left) and the settling of a row whose outcome is
unknown. What was placed is checked on the demo panel's own record.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from smmdesk.ui.events import DeskEvents
from smmdesk.ui.importing.model import ERROR_ROLE, KIND_ROLE, ImportRowsModel
from smmdesk.ui.importing.wizard import ImportWizard
from smmdesk.ui.jobs import Jobs

WAIT = 15_000


def likes_csv(path: Path, count: int, *, bad: tuple[int, ...] = ()) -> Path:
    lines = ["Service ID;Link;Qty"]
    for n in range(1, count + 1):
        lines.append(f"2;https://ig.com/g{n};{5 if n in bad else 100}")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def links_on(panel: Any) -> Counter[str]:
    return Counter(str(order["link"]) for order in panel.orders())


@pytest.fixture
def wizard(gui_desk: Any, qtbot: Any) -> Any:
    """The wizard, shown; afterwards its work is finished and it is closed and deleted
    (not left to qtbot, which deletes widgets before fixtures finish)."""
    events, jobs = DeskEvents(gui_desk), Jobs()
    dialog = ImportWizard(gui_desk, events, jobs)
    dialog.test_events = events  # type: ignore[attr-defined]
    dialog.show()
    yield dialog
    if dialog.control is not None:
        dialog.control.cancel()
    qtbot.waitUntil(lambda: not jobs.busy, timeout=WAIT)
    dialog.close()
    dialog.deleteLater()


def previewed(wizard: Any, qtbot: Any, load: Any) -> Any:
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT) as signal:
        load()
    return signal.args[0]


def placed(wizard: Any, qtbot: Any) -> Any:
    with qtbot.waitSignal(wizard.import_finished, timeout=WAIT) as signal:
        wizard.rows.place_button.click()
    return signal.args[0]


def column(model: ImportRowsModel, role: int, col: int = 0) -> list[Any]:
    return [model.index(r, col).data(role) for r in range(model.rowCount())]


def test_a_file_is_previewed_with_errors_highlighted_then_placed(
    wizard: Any, qtbot: Any, demo_panel: Any, tmp_path: Path, qtmodeltester: Any
) -> None:
    file = likes_csv(tmp_path / "shop.csv", 5, bad=(2,))
    preview = previewed(wizard, qtbot, lambda: wizard.load_file(file))
    qtmodeltester.check(wizard.model)
    model = wizard.model
    assert model.rowCount() == 5 and wizard.pages.currentWidget() is wizard.rows
    assert column(model, KIND_ROLE) == ["ok", "error", "ok", "ok", "ok"]
    error = model.index(1, model.STATUS)
    assert error.data(ERROR_ROLE).startswith("quantity: Quantity must be between 10 and")
    assert error.data(Qt.ItemDataRole.ForegroundRole) is not None  # red text
    assert model.index(0, model.SERVICE).data() == "2 Instagram Likes [Fast]"
    assert model.index(0, model.COST).data() == "0.04 USD"  # two decimals in the list
    assert model.index(0, model.COST).data(Qt.ItemDataRole.ToolTipRole) == "0.035 USD"
    assert wizard.rows.totals.text() == "demo: 4 orders for 0.14 USD, balance 1,000.00 USD"
    assert "4 to place, 1 with errors" in wizard.rows.summary.text()
    assert wizard.rows.place_button.text() == "Place 4 orders (0.14 USD)"
    assert len(preview.to_send) == 4

    added: list[int] = []
    wizard.test_events.orders_added.connect(added.extend)
    report = placed(wizard, qtbot)
    qtbot.waitUntil(lambda: len(added) == 4, timeout=WAIT)  # told to the views, once each
    assert report.counts()["placed"] == 4 and wizard.phase == "done"
    assert column(model, KIND_ROLE) == ["placed", "error", "placed", "placed", "placed"]
    assert model.index(0, model.STATUS).data().startswith("Placed as order ")
    assert (
        wizard.rows.progress.value() == 4
        and "4 of 5 rows placed" in wizard.rows.progress_text.text()
    )
    assert wizard.result_file is not None and wizard.result_file.is_file()
    assert links_on(demo_panel) == Counter(f"https://ig.com/g{n}" for n in (1, 3, 4, 5))


def test_pasted_text_and_the_history_resume_an_earlier_import(
    wizard: Any, qtbot: Any, demo_panel: Any, gui_desk: Any
) -> None:
    text = "\n".join(f"2|https://ig.com/m{n}|100" for n in range(1, 7))
    wizard.source.paste.setPlainText(text)
    previewed(wizard, qtbot, wizard.source.paste_button.click)
    assert "pasted text (mass-order text): 6 rows" in wizard.rows.summary.text()

    def cancel_after_two(progress: Any) -> None:
        if progress.done == 2:
            wizard.rows.cancel_button.click()

    demo_panel.latency = 0.05
    wizard.progressed.connect(cancel_after_two)
    report = placed(wizard, qtbot)
    assert report.canceled and report.counts()["placed"] < 6
    done_first = report.counts()["placed"]
    wizard.progressed.disconnect(cancel_after_two)

    wizard.rows.back_button.click()
    assert wizard.pages.currentWidget() is wizard.source and wizard.source.history.rowCount() == 1
    assert wizard.source.history.item(0, 1).text() == "pasted text"
    assert wizard.source.history.item(0, 3).text() == str(done_first)
    wizard.source.history.setCurrentCell(0, 0)
    preview = previewed(wizard, qtbot, wizard.source.reopen_button.click)
    assert len(preview.placed) == done_first and len(preview.to_send) == 6 - done_first
    assert placed(wizard, qtbot).counts()["placed"] == 6
    assert links_on(demo_panel) == Counter(f"https://ig.com/m{n}" for n in range(1, 7))


def test_pause_holds_the_rows_until_resume(
    wizard: Any, qtbot: Any, demo_panel: Any, tmp_path: Path
) -> None:
    previewed(wizard, qtbot, lambda: wizard.load_file(likes_csv(tmp_path / "p.csv", 12)))
    demo_panel.latency = 0.05
    with qtbot.waitSignal(wizard.import_finished, timeout=WAIT) as finished:
        wizard.rows.place_button.click()
        qtbot.waitUntil(lambda: wizard.rows.progress.value() >= 1, timeout=WAIT)
        wizard.rows.pause_button.click()
        assert wizard.rows.pause_button.text() == "Resume" and wizard.control.paused
        held = wizard.rows.progress.value()
        qtbot.wait(300)  # a paused import must not go on; the ones in flight settle
        assert wizard.rows.progress.value() <= held + 4
        count = len(demo_panel.orders())
        qtbot.wait(200)
        assert len(demo_panel.orders()) == count < 12
        wizard.rows.pause_button.click()
    assert finished.args[0].counts()["placed"] == 12


def test_a_row_whose_outcome_is_unknown_is_settled_from_the_wizard(
    wizard: Any, qtbot: Any, demo_panel: Any, tmp_path: Path
) -> None:
    file = likes_csv(tmp_path / "u.csv", 2)
    previewed(wizard, qtbot, lambda: wizard.load_file(file))
    demo_panel.inject("drop_after", "add")
    report = placed(wizard, qtbot)
    unknown = [row.number for row in report.rows if row.state == "unknown"]
    assert len(unknown) == 1
    position = unknown[0] - 1
    assert wizard.model.index(position, 0).data(KIND_ROLE) == "check"
    wizard.rows.table.selectRow(1 - position)  # the placed row: nothing to settle
    assert not wizard.rows.mark_placed_button.isEnabled()
    wizard.rows.table.selectRow(position)
    assert wizard.rows.mark_placed_button.isEnabled() and wizard.rows.resend_button.isEnabled()
    link = f"https://ig.com/g{unknown[0]}"
    (order,) = [o for o in demo_panel.orders() if o["link"] == link]
    wizard.rows.remote_id.setText(str(order["id"]))
    preview = previewed(wizard, qtbot, wizard.rows.mark_placed_button.click)
    assert [row.state for row in preview.rows] == ["placed", "placed"]
    assert wizard.model.index(position, wizard.model.STATUS).data() == (
        f"Placed before as order {order['id']}"
    )
    assert not wizard.rows.place_button.isEnabled()
    assert links_on(demo_panel) == Counter({"https://ig.com/g1": 1, "https://ig.com/g2": 1})
