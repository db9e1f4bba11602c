"""The shipped catalogs: the template matches the code's marked texts, every language has
every text with the English placeholders and its number of plural forms, and each .mo
matches its .po. Run ``python -m smmdesk.tools.i18n`` when one of these fails."""

from __future__ import annotations

import gettext

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from smmdesk.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR
from smmdesk.tools import i18n as tool

FIX = "run `python -m smmdesk.tools.i18n`, then translate what it lists"


def test_the_template_matches_the_code() -> None:
    """A text marked in the code but missing from smmdesk.pot (or one left after its code
    went) fails here: the catalogs are made from the template."""
    with tool.TEMPLATE.open("rb") as file:
        committed = read_po(file)
    assert tool.fingerprint(committed) == tool.fingerprint(tool.extract_template()), FIX


@pytest.mark.parametrize("language", tool.TRANSLATED)
def test_every_catalog_is_complete(language: str) -> None:
    assert tool.problems(language) == [], FIX


@pytest.mark.parametrize("language", tool.TRANSLATED)
def test_every_compiled_catalog_matches_its_source(language: str) -> None:
    assert tool.mo_path(language).read_bytes() == tool.compiled(language), FIX


def test_every_shipped_language_has_a_catalog() -> None:
    assert set(tool.TRANSLATED) == set(LANGUAGES) - {"en"}
    for language in tool.TRANSLATED:
        found = gettext.find(DOMAIN, LOCALE_DIR, [language])
        assert found is not None and found.endswith(f"{language}/LC_MESSAGES/{DOMAIN}.mo")


def _template(*messages: str | tuple[str, str]) -> Catalog:
    template = Catalog(domain=DOMAIN)
    for message in messages:
        template.add(message)
    return template


def test_the_check_finds_a_missing_text_and_other_placeholders() -> None:
    template = _template("Enter the {field}.", "{label} must be at least {minimum}.", "Link")
    catalog = Catalog(locale="ru", domain=DOMAIN)
    catalog.add("Enter the {field}.", "Заполните поле «{поле}».")
    catalog.add("{label} must be at least {minimum}.", "Поле «{label}» не меньше {minimum}.")
    found = tool.catalog_problems("ru", catalog, template)
    assert len(found) == 2
    assert "placeholders ['поле'] instead of ['field']" in found[0]
    assert "'Link' is missing" in found[1]


def test_the_check_counts_plural_forms_for_the_language() -> None:
    template = _template(("{count} line", "{count} lines"))
    catalog = Catalog(locale="ru", domain=DOMAIN)
    catalog.add(("{count} line", "{count} lines"), ("{count} строка", "{count} строки"))
    assert tool.catalog_problems("ru", catalog, template) == [
        "ru: '{count} line' needs 3 plural forms, has 2"
    ]
    arabic = Catalog(locale="ar", domain=DOMAIN)
    forms = ("لا أسطر", "سطر واحد", "سطران", "{count} أسطر", "{count} سطرًا", "{count} سطر")
    arabic.add(("{count} line", "{count} lines"), forms)
    assert tool.catalog_problems("ar", arabic, template) == []


def test_the_check_refuses_fuzzy_translations() -> None:
    template = _template("Link")
    catalog = Catalog(locale="tr", domain=DOMAIN)
    catalog.add("Link", "Bağlantı", flags=["fuzzy"])
    assert tool.catalog_problems("tr", catalog, template) == [
        "tr: 'Link' is fuzzy (check it, then remove the fuzzy flag)"
    ]
