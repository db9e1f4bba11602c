"""Translations for every part of smmdesk: one gettext catalog for the core, the CLI and the GUI.

Why gettext (catalogs made with Babel) and not Qt's ``tr()``: ``smmdesk.core`` never
imports Qt, and the CLI runs without Qt at all, so Qt's translator cannot serve them. One
gettext catalog per language (``smmdesk/locale/<lang>/LC_MESSAGES/smmdesk.po``, compiled to
``.mo``) serves the core, the CLI and the widgets alike; Qt only gets its own translations
for its standard dialogs and buttons (smmdesk.ui.i18n).

Marking texts (docs/translating.md has the whole guide)::

    from smmdesk.core.i18n import _, N_, ngettext

    _("Enter the link.")
    _("{field} must be at least {minimum}.").format(field=label, minimum=format_integer(n))
    ngettext("{count} comment", "{count} comments", n).format(count=format_integer(n))
    LABEL = N_("Quantity")   # a module-level constant: marked now, translated at use: _(LABEL)

- Named ``{name}`` placeholders filled with ``.format()``; never an f-string (the extractor
  cannot read one) and never sentences glued together from pieces.
- ``_()`` translates into the language current *when it runs*: a text built at import time
  would stay in the language of that moment, so module constants use ``N_`` and are passed
  through ``_()`` where they are shown.

The language: ``set_language(choose_language(setting))`` once at start (the CLI and the GUI
do it); until then the first translation picks one from ``SMMDESK_LANG`` and the OS. A
language without a catalog, a text without a translation, or a translation whose
placeholders differ from the English text all fall back to English, never to an error.

The current language is process-wide state, like the OS locale it mirrors: set it with
``set_language`` (or ``using_language`` for a block) instead of passing it everywhere.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
import string
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DOMAIN = "smmdesk"
SOURCE_LANGUAGE = "en"
LANGUAGE_ENV = "SMMDESK_LANG"
AUTO = "auto"
# Every language smmdesk ships, with its name as its speakers write it (the Settings combo).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "tr": "Türkçe",
    "pt_BR": "Português (Brasil)",
    "es": "Español",
    "id": "Bahasa Indonesia",
    "hi": "हिन्दी",
    "ar": "العربية",
}
RIGHT_TO_LEFT = frozenset({"ar"})
# A language whose catalog is missing from the list above falls to the nearest one shipped.
_NEAREST = {"pt": "pt_BR"}

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"  # smmdesk/locale, also in a bundle

# Unicode's "left-to-right isolate" and "pop directional isolate" (UAX #9).
LRI, PDI = "\u2066", "\u2069"


def N_(message: str) -> str:  # the name every gettext tool knows
    """Mark ``message`` for the catalog without translating it now (module constants)."""
    return message


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{name}`` placeholders of ``text`` (``{{`` is no placeholder)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return frozenset({"<malformed>"})
    names = (item[1] for item in parsed)
    return frozenset(re.split(r"[.\[!:]", name)[0] for name in names if name is not None)


class _CheckedTranslations(_gettext.GNUTranslations):
    """A compiled catalog without the translations whose placeholders differ from the
    English text: those are dropped at load, so ``.format`` can never fail on them (the
    English text is used instead). tests/core/test_catalogs.py keeps the shipped catalogs
    free of such mistakes; this keeps a hand-edited one from breaking the program."""

    def _parse(self, fp: Any) -> None:
        super()._parse(fp)
        catalog: dict[object, str] = self._catalog  # type: ignore[attr-defined]
        for key, text in list(catalog.items()):
            source = str(key[0] if isinstance(key, tuple) else key)
            if not source:  # the header
                continue
            wanted = placeholders(source)
            names = placeholders(text)
            fits = names <= wanted if isinstance(key, tuple) else names == wanted
            if not fits:
                del catalog[key]


_loaded: dict[str, _gettext.NullTranslations] = {}
_current: str | None = None
_typed: str | None = None  # set_typed_language


def _translations(language: str) -> _gettext.NullTranslations:
    if language not in _loaded:
        found: _gettext.NullTranslations
        if language == SOURCE_LANGUAGE:
            found = _gettext.NullTranslations()
        else:
            found = _gettext.translation(
                DOMAIN,
                LOCALE_DIR,
                languages=[language],
                class_=_CheckedTranslations,
                fallback=True,
            )
        _loaded[language] = found
    return _loaded[language]


def _active() -> _gettext.NullTranslations:
    if _current is None:
        set_language(choose_language())
    return _translations(_current or SOURCE_LANGUAGE)


def gettext(message: str) -> str:
    """``message`` in the current language (English when it has no translation)."""
    return _active().gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a text for the number ``n`` in the current language (Russian has three,
    Arabic six); fill ``{count}`` with ``.format`` afterwards."""
    return _active().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, where the same English word has several
    meanings ("Order" the noun and the verb): ``context`` tells translators which."""
    return _active().pgettext(context, message)


def current_language() -> str:
    """The language texts are shown in now: a key of LANGUAGES."""
    if _current is None:
        set_language(choose_language())
    return _current or SOURCE_LANGUAGE


def set_language(language: str | None) -> str:
    """Show texts in ``language`` from now on (a LANGUAGES key, or anything ``normalize``
    reads: "pt-BR", "ru_RU.UTF-8"); English when it is None or not shipped. Returns the
    language now in use."""
    global _current
    _current = normalize(language or "") or SOURCE_LANGUAGE
    return _current


def set_typed_language(language: str | None) -> None:
    """Read numbers people type (``smmdesk.core.formats.read_*``) in ``language`` even while
    texts are shown in another: ``--json`` speaks English to the program reading it, but a
    Turkish reseller's "1.500" is still 1500. None: the language texts are shown in."""
    global _typed
    _typed = normalize(language or "") or None


def typed_language() -> str:
    """The language numbers typed by people are read in (see ``set_typed_language``)."""
    return _typed or current_language()


@contextmanager
def using_language(language: str) -> Iterator[str]:
    """Show texts in ``language`` inside the block, then go back to the one before."""
    before = _current
    try:
        yield set_language(language)
    finally:
        globals()["_current"] = before


def is_right_to_left(language: str | None = None) -> bool:
    """Whether ``language`` (default: the current one) is written right to left."""
    return (language or current_language()) in RIGHT_TO_LEFT


def left_to_right(text: str) -> str:
    """``text`` (a link, an id, a number) kept left to right inside right-to-left text:
    wrapped in Unicode's isolate marks when the current language is right to left."""
    if not text or not is_right_to_left():
        return text
    return f"{LRI}{text}{PDI}"


# --- which language: SMMDESK_LANG, then Settings, then the OS ------------------------------


def normalize(tag: str) -> str | None:
    """The LANGUAGES key for a language tag ("ru", "ru_RU.UTF-8", "pt-BR", "es_MX",
    "tr_TR@euro"), or None for one smmdesk does not ship ("C", "POSIX", "de")."""
    text = tag.strip().split(".")[0].split("@")[0].replace("-", "_")
    if not text or text.upper() in ("C", "POSIX"):
        return None
    language, region = [*text.split("_", 1), ""][:2]
    language = language.lower()
    if region:
        exact = f"{language}_{region.upper()}"
        if exact in LANGUAGES:
            return exact
    if language in LANGUAGES:
        return language
    return _NEAREST.get(language)


def choose_language(
    setting: str = AUTO,
    *,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
) -> str:
    """The language to show: ``$SMMDESK_LANG`` when it names a shipped language, else the
    ``language`` setting unless "auto", else the first shipped one of the OS's languages
    (``system_languages``), else English."""
    env = os.environ if environ is None else environ
    for wanted in (env.get(LANGUAGE_ENV, ""), "" if setting == AUTO else setting):
        chosen = normalize(wanted or "")
        if chosen:
            return chosen
    for tag in system_languages(environ=env, platform=platform):
        chosen = normalize(tag)
        if chosen:
            return chosen
    return SOURCE_LANGUAGE


def system_languages(
    *, environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> list[str]:
    """The user's languages as the OS gives them, most wanted first (tags as the OS writes
    them; ``normalize`` reads them). Windows: the user's UI languages; macOS: the
    AppleLanguages list; then, everywhere, the POSIX variables (``posix_languages``)."""
    env = os.environ if environ is None else environ
    found: list[str] = []
    if platform.startswith("win"):
        found += _windows_languages()
    elif platform == "darwin":
        found += _macos_languages()
    return found + posix_languages(env)


def posix_languages(env: Mapping[str, str]) -> list[str]:
    """The languages of the POSIX variables, as GNU gettext reads them: the locale is the
    first set of LC_ALL, LC_MESSAGES, LANG; LANGUAGE (a colon list, "ru:en") comes before
    it, except that a locale set to "C"/"POSIX" means English and silences LANGUAGE."""
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    if locale.split(".")[0].upper() in ("C", "POSIX"):
        return [SOURCE_LANGUAGE]
    listed = [tag for tag in env.get("LANGUAGE", "").split(":") if tag]
    return [*listed, *([locale] if locale else [])]


def _windows_languages() -> list[str]:
    """The user's UI languages (GetUserPreferredUILanguages), else the default one."""
    try:
        import ctypes
        import locale as _locale

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        count, size = ctypes.c_ulong(), ctypes.c_ulong()
        mui_language_name = 0x8
        if kernel32.GetUserPreferredUILanguages(
            mui_language_name, ctypes.byref(count), None, ctypes.byref(size)
        ):
            buffer = ctypes.create_unicode_buffer(size.value)
            if kernel32.GetUserPreferredUILanguages(
                mui_language_name, ctypes.byref(count), buffer, ctypes.byref(size)
            ):
                names = ctypes.wstring_at(ctypes.addressof(buffer), size.value).split("\0")
                if any(names):
                    return [name for name in names if name]
        lcid = kernel32.GetUserDefaultUILanguage()
        name = _locale.windows_locale.get(lcid)
        return [name] if name else []
    except (AttributeError, OSError, ValueError):
        return []


def _macos_languages(run: Callable[[Sequence[str]], str] | None = None) -> list[str]:
    """The AppleLanguages list ("ru-RU", "en"), read with ``defaults`` (no PyObjC)."""
    import subprocess

    def default_run(command: Sequence[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3, check=False)
        return done.stdout if done.returncode == 0 else ""

    try:
        output = (run or default_run)(["defaults", "read", "-g", "AppleLanguages"])
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_apple_languages(output)


def parse_apple_languages(output: str) -> list[str]:
    """The tags of ``defaults read -g AppleLanguages`` ("(\\n  \\"ru-RU\\",\\n  en\\n)")."""
    inside = output.strip().removeprefix("(").removesuffix(")")
    return [item.strip().strip('"') for item in inside.split(",") if item.strip().strip('"')]
