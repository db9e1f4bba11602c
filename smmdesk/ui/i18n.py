"""The window in the reseller's language: smmdesk's catalog, Qt's own texts, right to left.

    apply_language(app, settings.language)   once the settings are known, before any window
    keep_left_to_right(link_edit, id_edit)   widgets holding links, ids, numbers, addresses
    counted_suffix(spin, lambda n: ngettext(" day", " days", n))   a unit after a number

smmdesk's texts come from the one gettext catalog of ``smmdesk.core.i18n`` (the CLI shares
it); Qt's standard dialogs and buttons ("Cancel", "&Yes", the file dialog) are translated by
Qt's own ``qtbase_<lang>.qm``, shipped with PySide6-Essentials for ar, es, pt_BR, ru and tr
(id and hi have none: those buttons stay English). Arabic lays the whole window out right
to left (``QApplication.setLayoutDirection``); a link, an order id or an amount must still
read left to right inside it: ``keep_left_to_right`` for editors, ``left_to_right`` (core)
for texts put in labels and cells.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QSpinBox, QWidget

from smmdesk.core.formats import format_money
from smmdesk.core.i18n import choose_language, is_right_to_left, set_language

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


def apply_language(app: QApplication, setting: str = "auto") -> str:
    """Choose the language (``$SMMDESK_LANG``, the ``language`` setting, the OS), make it
    current for smmdesk's texts and Qt's, and set the layout direction; returns it."""
    language = set_language(choose_language(setting))
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    translator = qt_translator(language)
    if translator is not None:
        app.installTranslator(translator)
        _installed.append(translator)
    QLocale.setDefault(QLocale(language))
    right_to_left = is_right_to_left(language)
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight
    )
    return language


def qt_translations_dir() -> Path:
    """Where Qt keeps its own ``.qm`` files (inside the PySide6 package, or the bundle)."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def qt_translator(language: str) -> QTranslator | None:
    """Qt's own translation of its dialogs and buttons for ``language``, when Qt has one."""
    translator = QTranslator()
    if translator.load(f"qtbase_{language}", str(qt_translations_dir())):
        return translator
    log.debug("no Qt translation for %s", language)
    return None


def keep_left_to_right(*widgets: QWidget) -> None:
    """Lay these widgets out left to right whatever the window's direction: line edits and
    labels holding links, ids, usernames, numbers, URLs (in an Arabic window too)."""
    for widget in widgets:
        widget.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def money_text(
    amount: Decimal | None,
    currency: str | None = None,
    *,
    missing: str = "",
    cents: bool = True,
) -> str:
    """An amount as the window shows it, written the language's way, the currency after a
    plain space as smmdesk has always written it ("1,234.50 USD"; ru "1 234,50 USD"):
    exactly two decimals rounded half up (balances, costs), or with ``cents=False`` every
    decimal kept (rates: "0.55405 USD"). ``formats.format_money`` alone puts a no-break
    space before the currency, which would change every English text that shows money."""
    if amount is None:
        return missing
    text = format_money(amount, cents=cents)
    return f"{text} {currency}" if currency else text


def counted_suffix(spin: QSpinBox, unit: Callable[[int], str]) -> None:
    """Give ``spin`` the unit after its number in the form its value takes, kept right as
    the value changes: ``counted_suffix(days, lambda n: ngettext(" day", " days", n))``
    (Russian "1 день", "3 дня", "5 дней")."""
    spin.setSuffix(unit(spin.value()))
    spin.valueChanged.connect(lambda value: spin.setSuffix(unit(value)))
