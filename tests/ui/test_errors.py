"""Errors reach the reseller through one place: a known error as its sentence with the
panel's words under the details; a bug as "unexpected problem", logged to the data folder
with its traceback and a "Copy details" button; a job's failure lands there too."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from smmdesk.core.errors import BadKey
from smmdesk.core.logs import recent_log, setup_logging
from smmdesk.ui.errors import show_error
from smmdesk.ui.jobs import Jobs
from tests.helpers.gui import close_window, open_window, wait_box


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_known_error_shows_its_sentence_and_the_panel_words(parent: QWidget) -> None:
    error = BadKey(panel_message="Invalid API key")
    box = show_error(parent, error, "Adding the panel")
    assert box.isVisible() and box.windowTitle() == "Adding the panel"
    assert box.text() == error.user_message
    assert box.detailedText() == "The panel said: Invalid API key"
    assert [b.text() for b in box.buttons() if "Copy" in b.text()] == []
    box.close()


def test_a_bug_is_logged_and_its_details_can_be_copied(
    parent: QWidget, tmp_path: Any, qtbot: Any
) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(tmp_path)
    try:
        try:
            raise KeyError("missing_field")
        except KeyError as error:
            box = show_error(parent, error, "Placing the order")
        for handler in root.handlers:
            handler.flush()
        logged = recent_log(tmp_path)
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
    assert "KeyError: 'missing_field'" in logged
    assert box.text().startswith("smmdesk hit an unexpected problem while placing the order.")
    assert "use Copy details" in box.text()
    assert "KeyError: 'missing_field'" in box.detailedText()
    [copy] = [b for b in box.buttons() if b.text() == "Copy details"]
    copy.click()
    assert "KeyError: 'missing_field'" in QApplication.clipboard().text()
    assert box.isVisible()  # copying keeps the box open
    box.close()


def test_a_failing_job_is_shown_by_the_window(gui_desk: Any, qtbot: Any) -> None:
    window = open_window(gui_desk, qtbot)
    try:

        async def broken() -> None:
            raise BadKey(panel_message="key revoked")

        with qtbot.waitSignal(window.jobs.failed, timeout=5000):
            window.jobs.run(broken(), "Reading the balance")
        box = wait_box(window, "errorBox", qtbot)
        assert isinstance(box, QMessageBox) and "does not accept this API key" in box.text()
        assert "key revoked" in box.detailedText()
    finally:
        close_window(window, qtbot)


def test_jobs_never_leave_the_busy_state_stuck(qtbot: Any, aloop: Any) -> None:
    jobs = Jobs()
    states: list[bool] = []
    jobs.busy_changed.connect(lambda busy, _what: states.append(busy))

    async def fails() -> None:
        raise RuntimeError("boom")

    errors: list[BaseException] = []
    task = jobs.run(fails(), "Failing", on_error=errors.append)
    qtbot.waitUntil(task.done, timeout=5000)
    assert states == [True, False] and not jobs.busy
    assert isinstance(errors[0], RuntimeError)
