"""What this panel speaks: the detected dialect shown in words, each guess settable."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from smmdesk.ui.jobs import Jobs
from smmdesk.ui.panels.speaks import PanelSpeaksDialog


def test_a_guess_set_by_hand_is_kept_and_given_back(gui_desk: Any, qtbot: Any) -> None:
    jobs = Jobs()
    dialog = PanelSpeaksDialog(gui_desk, jobs, "demo")
    qtbot.addWidget(dialog)
    assert "speaks: multiStatus" in dialog.summary.text()
    assert dialog.boxes["list_separator"].currentData() == "auto"
    box = dialog.boxes["list_separator"]
    box.setCurrentIndex(box.findData("commas"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    dialect = gui_desk.panel("demo").dialect
    assert dialect.list_separator == "," and dialect.overrides == {"list_separator"}

    again = PanelSpeaksDialog(gui_desk, jobs, "demo")
    qtbot.addWidget(again)
    assert again.boxes["list_separator"].currentData() == "commas"
    assert again.boxes["cancel"].currentData() == "auto"  # detected, not set
    with qtbot.waitSignal(again.changed, timeout=10_000):
        again.detect()
    assert gui_desk.panel("demo").dialect.list_separator == ","  # detection keeps it
    box = again.boxes["list_separator"]
    box.setCurrentIndex(box.findData("auto"))
    again.save()
    assert gui_desk.panel("demo").dialect.overrides == frozenset()
    assert gui_desk.panel("demo").dialect.list_separator == "\n"
