"""The window in the reseller's language (real Qt, offscreen): Arabic lays it out right to
left with links and numbers kept left to right, the form's texts come from the catalog,
Qt's own buttons are translated, and the language choice in Settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel

from smmdesk.core.i18n import current_language
from smmdesk.core.settings import Settings
from smmdesk.ui.i18n import apply_language, qt_translations_dir, qt_translator
from smmdesk.ui.shell.settings import SettingsDialog
from tests.helpers.gui import close_window, open_window

RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight


@pytest.fixture
def language(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Apply a language through SMMDESK_LANG, as the program does; English afterwards."""
    before = QLocale()

    def use(code: str) -> str:
        monkeypatch.setenv("SMMDESK_LANG", code)
        return apply_language(qapp)

    yield use
    monkeypatch.setenv("SMMDESK_LANG", "en")
    apply_language(qapp)
    QLocale.setDefault(before)
    assert qapp.layoutDirection() == LTR


@pytest.fixture
def arabic_window(gui_desk: Any, qtbot: Any, language: Any) -> Iterator[Any]:
    assert language("ar") == "ar"
    win = open_window(gui_desk, qtbot)
    win.start()
    qtbot.waitUntil(lambda: len(win.catalog.model.services()) == 18, timeout=10_000)
    yield win
    close_window(win, qtbot)


def test_the_arabic_window_is_right_to_left_with_links_left_to_right(
    arabic_window: Any,
) -> None:
    window = arabic_window
    assert QApplication.layoutDirection() == RTL
    assert window.layoutDirection() == RTL
    assert window.catalog.select_service("2")
    link = window.form.editors["link"]
    quantity = window.form.editors["quantity"]
    assert link.layoutDirection() == RTL  # the row follows the window
    assert link.focus_widget().layoutDirection() == LTR  # the address inside does not
    assert quantity.focus_widget().layoutDirection() == LTR
    labels = {label.text() for label in window.form.findChildren(QLabel)}
    assert any("الرابط" in text for text in labels)  # "Link", from the Arabic catalog


def test_qt_translates_its_own_buttons(language: Any) -> None:
    assert (qt_translations_dir() / "qtbase_ru.qm").is_file()
    language("ru")
    assert current_language() == "ru"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Отмена"
    language("hi")  # Qt has no Hindi: its buttons stay English, smmdesk's texts do not
    assert qt_translator("hi") is None
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_the_settings_dialog_saves_the_language(tmp_path: Any, qtbot: Any) -> None:
    settings = Settings.load(tmp_path)
    dialog = SettingsDialog(settings, {})
    qtbot.addWidget(dialog)
    combo = dialog.language
    assert combo.currentData() == "auto"
    assert [combo.itemData(i) for i in range(combo.count())][:3] == ["auto", "en", "ru"]
    combo.setCurrentIndex(combo.findData("pt_BR"))
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert Settings.load(tmp_path).language == "pt_BR"


def test_amounts_and_ids_in_the_arabic_orders_table_stay_left_to_right(
    arabic_window: Any, qtbot: Any
) -> None:
    from smmdesk.core.i18n import LRI, PDI
    from smmdesk.ui.orders.columns import COLUMNS
    from tests.helpers.gui import wait_for

    values = {"link": "https://instagram.com/p/Ar1", "quantity": "100"}
    order = wait_for(arabic_window.desk.place_order("demo", "2", values), qtbot).order
    cells = {c.title: c.text(order) for c in COLUMNS}
    for title in ("#", "Order id", "Link", "Charge", "Created"):
        assert cells[title].startswith(LRI) and cells[title].endswith(PDI), title
    assert cells["Charge"] == f"{LRI}~0.04 USD{PDI}"  # "0.04 USD", never "USD 0.04"
