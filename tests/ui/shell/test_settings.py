"""The settings dialog: a round trip through settings.json, refusals shown with the dialog
kept open, the webhook URL with its token, and the window applying new settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QApplication

from smmdesk.core.settings import Settings, int_range, limits
from smmdesk.ui.shell.settings import SettingsDialog
from tests.helpers.gui import close_window, open_window, wait_box


def test_round_trip(tmp_path: Any, qtbot: Any) -> None:
    settings = Settings.load(tmp_path)
    dialog = SettingsDialog(settings, {"Main panel": "/webhook/s1"})
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.interval.setValue(120)
    dialog.notify.setChecked(False)
    dialog.threshold.setText("25.50")
    dialog.webhook.setChecked(True)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(9911)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    assert not dialog.isVisible()
    again = Settings.load(tmp_path)
    assert saved.args[0] == again
    assert again.refresh_interval == 120
    assert again.notify_orders is False
    assert again.balance_threshold == Decimal("25.50")
    assert (again.webhook_enabled, again.webhook_port) == (True, 9911)
    assert again.webhook_token == settings.webhook_token

    reopened = SettingsDialog(again, {})
    qtbot.addWidget(reopened)
    assert reopened.interval.value() == 120 and reopened.threshold.text() == "25.50"
    assert not reopened.notify.isChecked() and reopened.webhook.isChecked()


def test_the_dialog_allows_what_each_setting_declares(tmp_path: Any, qtbot: Any) -> None:
    dialog = SettingsDialog(Settings.load(tmp_path), {})
    qtbot.addWidget(dialog)
    spins = {
        "refresh_interval": dialog.interval,
        "balance_days": dialog.balance_days,
        "webhook_port": dialog.port,
        "backup_every": dialog.backups.every,
        "backup_keep_last": dialog.backups.keep_last,
        "backup_keep_days": dialog.backups.keep_days,
        "backup_keep_weeks": dialog.backups.keep_weeks,
    }
    for name, spin in spins.items():
        assert (spin.minimum(), spin.maximum()) == int_range(name), name
    themes = [dialog.theme.itemData(i) for i in range(dialog.theme.count())]
    assert tuple(themes) == limits("theme").choices


def test_a_bad_value_is_refused_and_nothing_is_written(tmp_path: Any, qtbot: Any) -> None:
    settings = Settings.load(tmp_path)
    written = (tmp_path / "settings.json").read_text()
    dialog = SettingsDialog(settings, {})
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.threshold.setText("a lot")
    dialog.save()
    box = wait_box(dialog, "errorBox", qtbot)
    assert "balance threshold must be an amount" in box.text()
    assert dialog.isVisible()
    assert (tmp_path / "settings.json").read_text() == written
    box.close()
    dialog.close()


def test_each_panel_has_its_own_webhook_url(tmp_path: Any, qtbot: Any) -> None:
    settings = Settings.load(tmp_path)
    dialog = SettingsDialog(settings, {"Main panel": "/webhook/s-main", "Other": "/webhook/s-o"})
    qtbot.addWidget(dialog)
    dialog.port.setValue(8800)
    assert dialog.url.text() == "http://127.0.0.1:8800/webhook/s-main"
    assert settings.webhook_token not in dialog.url.text()
    dialog.url_panel.setCurrentText("Other")
    assert dialog.url.text() == "http://127.0.0.1:8800/webhook/s-o"
    dialog.copy.click()
    assert QApplication.clipboard().text() == dialog.url.text()


def test_the_window_applies_new_settings(gui_desk: Any, qtbot: Any) -> None:
    window = open_window(gui_desk, qtbot)
    try:
        dialog = window.open_settings()
        assert isinstance(dialog, SettingsDialog)
        dialog.interval.setValue(300)
        dialog.threshold.setText("5000")
        with qtbot.waitSignal(window.notifier.notified) as warned:
            dialog.save()
        assert window.refresher.scheduler.interval_s == 300
        assert window.settings.balance_threshold == Decimal("5000")
        assert warned.args[0] == "Low balance"
        assert window.panels.model.is_low(gui_desk.panel("demo"))
    finally:
        close_window(window, qtbot)
