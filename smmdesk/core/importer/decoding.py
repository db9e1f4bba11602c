"""Turning an order file's bytes into text, and refusing what is not text.

Owns the encoding decision: a byte-order mark first (UTF-8, UTF-16 LE/BE, UTF-32), then
UTF-16 without a mark (recognised by its zero bytes), then UTF-8, then cp1252 (Windows
"ANSI", what Excel writes as plain "CSV"). Refuses, saying where and what to do: an empty
file, a spreadsheet workbook, binary data, and UTF-8 that is damaged in places (rather
than reading it as cp1252 and turning every accented letter into two wrong ones).
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from smmdesk.core.i18n import N_, _
from smmdesk.core.importer.rawfile import ImportFileError, line_and_column

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # xlsx/ods (zip), old xls
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Translators: ends the sentences below: how to make a file smmdesk can read.
_SAVE_AS = N_("save it again as “CSV UTF-8” (in Excel: File > Save As) and import that file")


class Decoded(NamedTuple):
    text: str
    encoding: str  # the Python codec name; "utf-8-sig" when the file starts with a UTF-8 BOM


def decode(data: bytes, label: str) -> Decoded:
    """The text of ``data`` and the codec that gave it; ImportFileError if it is not text."""
    if not data:
        raise ImportFileError(_empty(label))
    if data.startswith(_WORKBOOKS):
        raise ImportFileError(
            # Translators: {label} names the file (“shop.csv”); {save_as} is how to save it.
            _(
                "{label} is a spreadsheet workbook, not a CSV or text file. Open it in Excel "
                "or LibreOffice and {save_as}."
            ).format(label=_cap(label), save_as=_(_SAVE_AS))
        )
    decoded = _decode_text(data, label)
    text = decoded.text.lstrip("\ufeff").rstrip("\x1a")  # a second BOM; a DOS end-of-file mark
    if not text.strip():
        raise ImportFileError(_empty(label))
    _refuse_binary(text, label)
    return Decoded(text, decoded.encoding)


def _decode_text(data: bytes, label: str) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            name = "utf-8-sig" if codec == "utf-8" else codec
            return Decoded(_strict(data[len(bom) :], codec, label), name)
    if b"\x00" in data:
        guessed = _utf16_without_bom(data)
        if guessed is None:
            raise _binary(data.decode("latin-1"), data.index(b"\x00"), label)
        return Decoded(_strict(data, guessed, label), guessed)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            raise _damaged(data, exc, "utf-8", label) from None
    return Decoded(_strict(data, "cp1252", label), "cp1252")


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _damaged(data, exc, codec, label) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when every other byte is zero (mostly-ASCII UTF-16)."""
    pairs = len(data) // 2
    if pairs == 0 or len(data) % 2:
        return None
    zeros_even, zeros_odd = data[0::2].count(0), data[1::2].count(0)
    if zeros_odd >= 0.4 * pairs and zeros_even <= 0.05 * pairs:
        return "utf-16-le"
    if zeros_even >= 0.4 * pairs and zeros_odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Whether the file has at least as many valid UTF-8 letters beyond ASCII as invalid
    bytes: then it is damaged UTF-8 (or two encodings mixed), not a cp1252 file."""
    valid = len(_UTF8_SEQUENCE.findall(data))
    invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    return valid >= invalid


def _damaged(data: bytes, exc: UnicodeDecodeError, codec: str, label: str) -> ImportFileError:
    prefix = data[: exc.start].decode(codec, errors="replace")
    line, column = line_and_column(prefix, len(prefix))
    if codec.startswith("utf-8"):
        text = _(
            "Line {line}, column {column} of {label} is not valid UTF-8 text, although the "
            "rest of the file is UTF-8. The file may be damaged: {save_as}."
        )
    elif codec == "cp1252":
        text = _(
            "Line {line}, column {column} of {label} is not text in any encoding smmdesk "
            "knows. The file may be damaged: {save_as}."
        )
    else:
        # Translators: {codec} is an encoding's name, like UTF-16.
        text = _(
            "Line {line}, column {column} of {label} is not valid {codec} text (the file may "
            "be cut short). The file may be damaged: {save_as}."
        )
    return ImportFileError(
        text.format(
            line=line, column=column, label=label, codec=codec.upper(), save_as=_(_SAVE_AS)
        ),
        line=line,
        column=column,
    )


def _refuse_binary(text: str, label: str) -> None:
    """Refuse text with NUL bytes, or with more than a few other control characters."""
    match = _CONTROL.search(text)
    if match is None:
        return
    if "\x00" not in text and len(_CONTROL.findall(text)) * 100 <= len(text):
        return
    raise _binary(text, text.find("\x00") if "\x00" in text else match.start(), label)


def _binary(text: str, offset: int, label: str) -> ImportFileError:
    line, column = line_and_column(text, offset)
    return ImportFileError(
        _(
            "{label} is not a text file: it holds binary data (first at line {line}, column "
            "{column}). Choose the CSV or text file with the orders, or {save_as}."
        ).format(label=_cap(label), line=line, column=column, save_as=_(_SAVE_AS)),
        line=line,
        column=column,
    )


def _empty(label: str) -> str:
    return _(
        "{label} is empty. Choose the file that holds the orders, or save it again from the "
        "program that made it."
    ).format(label=_cap(label))


def _cap(label: str) -> str:
    return label[:1].upper() + label[1:]
