"""The translation catalogs, from the marked texts of the code to what the program loads.

    python -m smmdesk.tools.i18n            extract, update, compile: the one command to run
    python -m smmdesk.tools.i18n extract    the code's marked texts -> smmdesk/locale/smmdesk.pot
    python -m smmdesk.tools.i18n update     the template -> every <lang>/LC_MESSAGES/smmdesk.po
                                            (new texts added empty, gone ones kept as obsolete)
    python -m smmdesk.tools.i18n compile    every .po -> its .mo (what the program reads)
    python -m smmdesk.tools.i18n check      list what each catalog lacks; exit 1 if anything

Built on Babel's catalog API (extraction rules in babel.cfg at the top of the checkout).
The compiled ``.mo`` files are committed next to their ``.po``: a clean checkout installed
with ``pip install -e .`` and the PyInstaller build then need no build step of their own,
and tests/core/test_catalogs.py fails when a ``.mo`` no longer matches its ``.po``, when the
template no longer matches the code, or when a catalog lacks a text or changes its
placeholders. Files are rewritten only when their messages change (no date-only churn).
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from smmdesk.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, placeholders

ROOT = LOCALE_DIR.parents[1]  # the checkout
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
COMMENT_TAGS = ("Translators:",)
TRANSLATED = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)
HEADER = """\
# The texts of smmdesk to translate (English is the source). Made by
# `python -m smmdesk.tools.i18n` from the code; never edit it by hand: docs/translating.md."""
LANGUAGE_HEADER = """\
# smmdesk in {name}. Translate the msgstr lines; keep every {{placeholder}} as it is
# (docs/translating.md). `python -m smmdesk.tools.i18n` adds new texts here."""


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


# --- extract -----------------------------------------------------------------------------


def extract_template() -> Catalog:
    """Every marked text of the code now, as a template catalog (locations without line
    numbers, so moving code does not change the template)."""
    with MAPPING.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(
        project="smmdesk",
        version="",
        header_comment=HEADER,
        msgid_bugs_address="the smmdesk issue tracker",
        copyright_holder="the smmdesk authors",
        charset="utf-8",
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        template.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def fingerprint(catalog: Catalog) -> list[tuple[object, ...]]:
    """What a catalog says, without its dates and line numbers: equal fingerprints, equal
    catalogs for every purpose of the program and of translators."""
    return [
        (
            m.id,
            m.context,
            _text(m.string),
            sorted({path for path, _line in m.locations}),
            tuple(m.auto_comments),
            m.fuzzy,
        )
        for m in catalog
        if m.id
    ]


def _text(string: object) -> object:
    """A message's translation, with "no translation" always written the same way."""
    if isinstance(string, list | tuple):
        return tuple(string) if any(string) else ""
    return string or ""


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, include_lineno=False, ignore_obsolete=False)
    return buffer.getvalue()


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def _write_if_changed(path: Path, catalog: Catalog, language: str | None = None) -> bool:
    if path.exists() and fingerprint(_read(path, language)) == fingerprint(catalog):
        old = _read(path, language)
        if [m.id for m in old.obsolete.values()] == [m.id for m in catalog.obsolete.values()]:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalog))
    return True


def extract() -> bool:
    """Write the template when the code's texts changed; whether it was written."""
    return _write_if_changed(TEMPLATE, extract_template())


# --- update --------------------------------------------------------------------------------


def update(languages: Sequence[str] = TRANSLATED) -> list[str]:
    """Bring every catalog in line with the template; the languages whose file changed."""
    template = _read(TEMPLATE)
    changed = []
    for language in languages:
        path = po_path(language)
        if path.exists():
            catalog = _read(path, language)
        else:
            catalog = Catalog(
                locale=language,
                domain=DOMAIN,
                project="smmdesk",
                version="",
                header_comment=LANGUAGE_HEADER.format(name=LANGUAGES[language]),
                msgid_bugs_address=template.msgid_bugs_address,
                copyright_holder="the smmdesk authors",
                fuzzy=False,
            )
        catalog.update(template, update_header_comment=False)
        if _write_if_changed(path, catalog, language):
            changed.append(language)
    return changed


# --- compile -------------------------------------------------------------------------------


def compiled(language: str) -> bytes:
    """The ``.mo`` of a language's ``.po`` (fuzzy and empty translations left out: English
    shows instead)."""
    buffer = io.BytesIO()
    write_mo(buffer, _read(po_path(language), language), use_fuzzy=False)
    return buffer.getvalue()


def compile_all(languages: Sequence[str] = TRANSLATED) -> list[str]:
    changed = []
    for language in languages:
        data = compiled(language)
        path = mo_path(language)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(language)
    return changed


# --- check ---------------------------------------------------------------------------------


def problems(language: str) -> list[str]:
    """What the shipped catalog of ``language`` lacks or gets wrong (``catalog_problems``)."""
    return catalog_problems(language, _read(po_path(language), language), _read(TEMPLATE))


def catalog_problems(language: str, catalog: Catalog, template: Catalog) -> list[str]:
    """What ``catalog`` lacks or gets wrong against ``template``: missing, empty or fuzzy
    translations, the wrong number of plural forms, other placeholders than the English."""
    expected_forms = get_plural(language).num_plurals
    found = []
    if catalog.num_plurals != expected_forms:
        found.append(
            f"{language}: Plural-Forms has {catalog.num_plurals} forms, not {expected_forms}"
        )
    for source in template:
        if not source.id:
            continue
        message = catalog.get(source.id, source.context)
        found += _message_problems(language, source, message, expected_forms)
    return found


def _message_problems(
    language: str, source: Message, message: Message | None, forms: int
) -> list[str]:
    name = source.id if isinstance(source.id, str) else source.id[0]
    where = f"{language}: {name!r}"
    if message is None:
        return [f"{where} is missing"]
    if message.fuzzy:
        return [f"{where} is fuzzy (check it, then remove the fuzzy flag)"]
    if isinstance(source.id, str):
        text = message.string if isinstance(message.string, str) else ""
        if not text:
            return [f"{where} is not translated"]
        if placeholders(text) != placeholders(source.id):
            return [f"{where}: placeholders {sorted(placeholders(text))} instead of "
                    f"{sorted(placeholders(source.id))}"]  # fmt: skip
        return []
    strings = list(message.string) if isinstance(message.string, list | tuple) else []
    wanted = placeholders(source.id[0]) | placeholders(source.id[1])
    if len(strings) != forms or not all(strings):
        return [f"{where} needs {forms} plural forms, has {sum(1 for s in strings if s)}"]
    wrong = [s for s in strings if not placeholders(s) <= wanted]
    if wrong:
        return [f"{where}: a plural form has placeholders not in the English text: {wrong[0]!r}"]
    if not any(placeholders(s) == wanted for s in strings):
        return [f"{where}: no plural form uses every placeholder {sorted(wanted)}"]
    return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smmdesk.tools.i18n", description=__doc__)
    parser.add_argument(
        "step", nargs="?", default="all", choices=("all", "extract", "update", "compile", "check")
    )
    step = parser.parse_args(argv).step
    if step in ("all", "extract"):
        print("template:", "written" if extract() else "unchanged")
    if step in ("all", "update"):
        print("updated:", ", ".join(update()) or "none")
    if step in ("all", "compile"):
        print("compiled:", ", ".join(compile_all()) or "none")
    if step in ("all", "check"):
        found = [problem for language in TRANSLATED for problem in problems(language)]
        print(*found, sep="\n") if found else print("every catalog is complete")
        if step == "check" and found:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
