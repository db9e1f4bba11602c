"""Which language smmdesk speaks (SMMDESK_LANG, the setting, the OS), the fallbacks to
English, plural forms, and texts kept left to right inside right-to-left ones."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from smmdesk.core import i18n
from smmdesk.core.errors import ConfigError
from smmdesk.core.i18n import (
    LRI,
    PDI,
    _,
    choose_language,
    current_language,
    left_to_right,
    ngettext,
    normalize,
    parse_apple_languages,
    placeholders,
    posix_languages,
    set_language,
    using_language,
)
from smmdesk.core.settings import Settings, saved_language

PACKAGE = (
    "This package takes {size} {field} (its name says so); you gave {count}. Write one per line."
)


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"LANG": "tr_TR.UTF-8"}, "tr"),
        ({"LANGUAGE": "ru:en"}, "ru"),
        ({"LANGUAGE": "ru:en", "LANG": "en_US.UTF-8"}, "ru"),  # LANGUAGE comes first
        ({"LC_ALL": "C"}, "en"),
        ({"LC_ALL": "C", "LANGUAGE": "ru"}, "en"),  # as GNU gettext: C silences LANGUAGE
        ({"LC_ALL": "POSIX", "LANG": "ru_RU.UTF-8"}, "en"),
        ({"LC_ALL": "es_MX.UTF-8", "LANG": "ru_RU.UTF-8"}, "es"),  # LC_ALL over LANG
        ({"LC_MESSAGES": "hi_IN.UTF-8", "LANG": "ru_RU.UTF-8"}, "hi"),
        ({"LANG": "pt_BR.UTF-8"}, "pt_BR"),
        ({"LANG": "pt_PT.UTF-8"}, "pt_BR"),  # the nearest Portuguese shipped
        ({"LANGUAGE": "pt"}, "pt_BR"),
        ({"LANGUAGE": "de:fr:ar"}, "ar"),  # the first shipped one of the list
        ({"LANG": "de_DE.UTF-8"}, "en"),  # nothing shipped: English
        ({}, "en"),
    ],
)
def test_linux_environment_precedence(env: dict[str, str], language: str) -> None:
    assert choose_language(environ=env, platform="linux") == language


def test_smmdesk_lang_beats_the_setting_which_beats_the_os() -> None:
    env = {"LANG": "tr_TR.UTF-8"}
    assert choose_language("ru", environ=env, platform="linux") == "ru"
    assert choose_language("ru", environ={**env, "SMMDESK_LANG": "ar"}, platform="linux") == "ar"
    assert choose_language("auto", environ=env, platform="linux") == "tr"
    # an SMMDESK_LANG smmdesk does not ship is passed over, never an error
    assert choose_language("auto", environ={**env, "SMMDESK_LANG": "xx"}, platform="linux") == "tr"


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("ru", "ru"),
        ("ru_RU.UTF-8", "ru"),
        ("pt-BR", "pt_BR"),
        ("pt_br", "pt_BR"),
        ("es-419", "es"),
        ("ar_EG@latin", "ar"),
        ("en-GB", "en"),
        ("C.UTF-8", None),
        ("", None),
        ("zz", None),
    ],
)
def test_language_tags_are_read_however_the_os_writes_them(tag: str, language: str) -> None:
    assert normalize(tag) == language


def test_posix_languages_in_order() -> None:
    assert posix_languages({"LANGUAGE": "ru:tr", "LANG": "es_ES.UTF-8"}) == [
        "ru",
        "tr",
        "es_ES.UTF-8",
    ]


def test_macos_apple_languages_output() -> None:
    output = '(\n    "ru-RU",\n    "en-US",\n    tr\n)\n'
    assert parse_apple_languages(output) == ["ru-RU", "en-US", "tr"]
    assert parse_apple_languages("") == []


def test_a_language_without_a_catalog_falls_back_to_english() -> None:
    assert set_language("de") == "en"
    assert _("Quantity") == "Quantity"
    assert set_language(None) == "en"


def test_a_text_without_a_translation_stays_english() -> None:
    set_language("ru")
    assert _("Quantity") == "Количество"
    assert _("A text no catalog has.") == "A text no catalog has."


def test_russian_has_three_plural_forms() -> None:
    with using_language("ru"):
        forms = {n: ngettext(PACKAGE, PACKAGE, n).format(size=n, field="x", count=0) for n in
                 (1, 3, 5, 11, 21, 22, 25)}  # fmt: skip
    assert "1 строку " in forms[1] and "21 строку " in forms[21]
    assert "3 строки " in forms[3] and "22 строки " in forms[22]
    assert "5 строк " in forms[5] and "11 строк " in forms[11] and "25 строк " in forms[25]


def test_arabic_has_six_plural_forms() -> None:
    with using_language("ar"):
        texts = {ngettext(PACKAGE, PACKAGE, n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(texts) == 6


def test_using_language_restores_the_one_before() -> None:
    set_language("tr")
    with using_language("ru") as inside:
        assert inside == "ru" and current_language() == "ru"
    assert current_language() == "tr"


def test_a_translation_with_other_placeholders_is_dropped_for_english(tmp_path: Path) -> None:
    """A hand-edited catalog with a wrong placeholder can never make .format() fail."""
    catalog = Catalog(locale="ru", domain="smmdesk")
    catalog.add("{label} must be at least {minimum}.", "Поле «{lable}» не меньше {minimum}.")
    catalog.add("Quantity", "Количество")
    catalog.add(
        ("{count} line", "{count} lines"), ("{count} строка", "{count} строки", "{cnt} строк")
    )
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    loaded = i18n._CheckedTranslations(buffer)
    assert loaded.gettext("Quantity") == "Количество"
    assert loaded.gettext("{label} must be at least {minimum}.") == (
        "{label} must be at least {minimum}."
    )
    assert loaded.ngettext("{count} line", "{count} lines", 2) == "{count} строки"
    assert loaded.ngettext("{count} line", "{count} lines", 5) == "{count} lines"


def test_placeholder_names() -> None:
    assert placeholders("{a} and {b:,} of {c.d} {{not}}") == {"a", "b", "c"}
    assert placeholders("no placeholder") == frozenset()


def test_left_to_right_isolates_only_in_right_to_left_languages() -> None:
    with using_language("ar"):
        assert left_to_right("https://x.com/p/1") == f"{LRI}https://x.com/p/1{PDI}"
        assert left_to_right("") == ""
    with using_language("ru"):
        assert left_to_right("23501") == "23501"


def test_the_language_setting(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path)
    assert settings.language == "auto"
    assert saved_language(tmp_path) == "auto"
    settings.update(language="pt_BR").save()
    assert Settings.load(tmp_path).language == "pt_BR"
    assert saved_language(tmp_path) == "pt_BR"
    with pytest.raises(ConfigError, match="language"):
        settings.update(language="klingon")
    assert saved_language(tmp_path / "nowhere") == "auto"
