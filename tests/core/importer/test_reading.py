"""Reading order files (smmdesk.core.importer): bytes as Excel, shops and panels write them
-> rows of raw field texts, or an ImportFileError that says why and where.

Every fixture is generated here: the same table written in each encoding, delimiter and
newline, so each combination is checked against one expected result.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core.importer import ImportFileError, OrderFile, RawRow, read_order_file

# --- the generated table ----------------------------------------------------------------

HEADER = ["service", "link", "quantity", "comments", "reference"]
COMMENTS = ["Great post é€", "Love it, ü; really", 'He said "wow"']


def quote(cell: str, delimiter: str) -> str:
    """A cell as Excel writes it: quoted when it holds a delimiter, quote or newline."""
    if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def table_text(delimiter: str, newline: str) -> str:
    """Header (line 1); a link with commas and semicolons in quotes (2); a blank line (3);
    a three-line comments cell (4-6); an all-empty row (7); a trailing delimiter (8)."""

    def record(cells: list[str]) -> str:
        return delimiter.join(quote(c, delimiter) for c in cells)

    lines = [
        record(HEADER),
        record(["1001", "https://example.com/a,b;c", "1000", "", "shop #1"]),
        "",
        record(["1002", "https://example.com/p/xyz", "", newline.join(COMMENTS), ""]),
        record(["", "", "", "", ""]),
        record(["1003", " https://example.com/c ", "50", "", "Zoë"]) + delimiter,
    ]
    return newline.join(lines) + newline


EXPECTED_ROWS = [
    RawRow(1, 2, {"service": "1001", "link": "https://example.com/a,b;c", "quantity": "1000",
                  "reference": "shop #1"}),
    RawRow(2, 4, {"service": "1002", "link": "https://example.com/p/xyz",
                  "comments": "\n".join(COMMENTS)}),
    RawRow(3, 8, {"service": "1003", "link": "https://example.com/c", "quantity": "50",
                  "reference": "Zoë"}),
]  # fmt: skip

ENCODINGS = {  # the name read_order_file reports -> how to make the bytes
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "cp1252": lambda text: text.encode("cp1252"),
}
NEWLINES = {"crlf": "\r\n", "lf": "\n", "cr": "\r"}
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def read(data: bytes | str, name: str = "orders.csv") -> OrderFile:
    return read_order_file(data.encode("utf-8") if isinstance(data, str) else data, name=name)


def read_error(data: bytes | str, name: str = "orders.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read(data, name)
    return caught.value


# --- encodings x delimiters x newlines ---------------------------------------------------


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
@pytest.mark.parametrize("delimiter", DELIMITERS.values(), ids=DELIMITERS.keys())
@pytest.mark.parametrize("encoding", ENCODINGS.keys())
def test_every_encoding_delimiter_and_newline_reads_the_same_rows(encoding, delimiter, newline):
    data = ENCODINGS[encoding](table_text(delimiter, newline))

    order_file = read(data)

    assert order_file.rows == EXPECTED_ROWS
    assert order_file.format == "csv"
    assert order_file.encoding == encoding
    assert order_file.delimiter == delimiter
    assert order_file.columns == HEADER
    assert order_file.unknown_columns == []
    assert order_file.content_hash == hashlib.sha256(data).hexdigest()
    assert order_file.name == "orders.csv"


def test_excel_unicode_text_is_utf16_with_tabs():
    # Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated, CRLF, quoted line breaks.
    text = 'Service ID\tLink\tComments\r\n7\thttps://x.io/p\t"Très bien\nСупер"\r\n'
    order_file = read(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert order_file.encoding == "utf-16-le"
    assert order_file.delimiter == "\t"
    assert order_file.rows[0].values["comments"] == "Très bien\nСупер"


def test_utf16_without_bom_is_recognised_by_its_zero_bytes():
    order_file = read("service;link;quantity\n5;https://é.io;10\n".encode("utf-16-le"))
    assert order_file.encoding == "utf-16-le"
    assert order_file.rows[0].values == {"service": "5", "link": "https://é.io", "quantity": "10"}


def test_cp1252_is_used_only_when_the_bytes_are_not_utf8():
    accented = "service,link,reference\n1,https://x.io,Café €5\n"
    assert read(accented.encode("cp1252")).encoding == "cp1252"
    assert read(accented.encode("cp1252")).rows[0].values["reference"] == "Café €5"
    assert read(accented.encode("utf-8")).encoding == "utf-8"
    assert read(accented.encode("utf-8")).rows[0].values["reference"] == "Café €5"


def test_excel_sep_line_decides_the_delimiter():
    order_file = read("sep=;\r\nservice;link\r\n1;https://x.io/a,b\r\n")
    assert order_file.delimiter == ";"
    assert order_file.rows == [RawRow(1, 3, {"service": "1", "link": "https://x.io/a,b"})]


def test_delimiter_is_the_one_under_which_the_header_names_fields():
    # The header holds commas inside a quoted name; the rows hold commas in links.
    text = 'service;"Link, full";quantity\n1;https://x.io/?a=1,2;100\n'
    order_file = read(text)
    assert order_file.delimiter == ";"
    assert order_file.rows[0].values["link_full"] == "https://x.io/?a=1,2"


def test_spaces_after_delimiters_do_not_break_quoted_cells():
    order_file = read('service, link, quantity\n1, "https://x.io/a,b", 100\n')
    assert order_file.rows[0].values == {
        "service": "1",
        "link": "https://x.io/a,b",
        "quantity": "100",
    }


def test_multiline_comments_keep_one_comment_per_line():
    text = 'service,link,comments\r\n9,https://x.io,"first\r\nsecond, with comma\r\n\r\nfourth"\r\n'
    row = read(text).rows[0]
    assert row.values["comments"] == "first\nsecond, with comma\n\nfourth"
    assert row.line == 2
    assert row.problem is None


def test_row_numbers_skip_blank_rows_and_are_stable():
    text = "service,link\n\n1,a.io\n,\n\n2,b.io\n   \n3,c.io\n"
    data = text.encode()
    first, again = read(data), read(data)
    assert [(r.number, r.line) for r in first.rows] == [(1, 3), (2, 6), (3, 8)]
    assert first == again
    assert first.content_hash == again.content_hash == hashlib.sha256(data).hexdigest()


def test_content_hash_changes_with_any_byte():
    base = b"service,link\n1,a.io\n"
    assert read(base).content_hash != read(base + b"\n").content_hash
    assert read(base).content_hash != read(base.replace(b"\n", b"\r\n")).content_hash


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        ("Service ID,URL,Qty", ["service", "link", "quantity"]),
        ("SERVICE_ID,Link,Quantity", ["service", "link", "quantity"]),
        ("service-id, Link (URL) ,QUANTITY", ["service", "link", "quantity"]),
        ("Service,Link,Comments,Panel,Reference", ["service", "link", "comments", "panel",
                                                   "reference"]),
        ("service,link,Answer Number", ["service", "link", "answer_number"]),
        ("service,link,quantity,Type of traffic,Google-Keyword,Referring URL,Country,Device",
         ["service", "link", "quantity", "type_of_traffic", "google_keyword", "referring_url",
          "country", "device"]),
        ("service,Username,Min,Max,Delay,Posts,Old Posts,Expiry",
         ["service", "username", "min", "max", "delay", "posts", "old_posts", "expiry"]),
        ("service,link,quantity,Usernames,Hashtags", ["service", "link", "quantity",
                                                      "usernames", "hashtags"]),
        ("service,link,Runs,Interval,Ref", ["service", "link", "runs", "interval", "reference"]),
    ],
)  # fmt: skip
def test_header_spellings_map_to_api_fields(header, columns):
    width = header.count(",") + 1
    order_file = read(f"{header}\n" + ",".join(str(i) for i in range(width)) + "\n")
    assert order_file.columns == columns
    assert order_file.unknown_columns == []
    assert list(order_file.rows[0].values) == columns


def test_id_is_the_service_only_when_no_other_column_is():
    alone = read("ID,Link,Quantity\n42,https://x.io,100\n")
    assert alone.rows[0].values["service"] == "42"
    assert any("“ID”" in note and "service" in note for note in alone.notes)

    beside = read("ID,Service,Link\n9001,42,https://x.io\n")
    assert beside.rows[0].values == {"id": "9001", "service": "42", "link": "https://x.io"}
    assert beside.unknown_columns == ["id"]
    assert beside.notes == []


def test_note_and_customer_fill_reference_unless_a_reference_column_exists():
    only_note = read("service,link,Note\n1,a.io,rush\n")
    assert only_note.rows[0].values["reference"] == "rush"

    both = read("service,link,Note,Customer\n1,a.io,rush,alice\n")
    assert both.rows[0].values == {"service": "1", "link": "a.io", "note": "rush",
                                   "reference": "alice"}  # fmt: skip
    assert both.unknown_columns == ["note"]

    with_reference = read("service,link,Reference,Customer\n1,a.io,R-7,alice\n")
    assert with_reference.rows[0].values["reference"] == "R-7"
    assert with_reference.rows[0].values["customer"] == "alice"


def test_amount_is_never_taken_as_the_quantity():
    order_file = read("service,link,Amount\n1,https://x.io,12.50\n")
    assert "quantity" not in order_file.rows[0].values
    assert order_file.rows[0].values["amount"] == "12.50"
    assert order_file.unknown_columns == ["amount"]
    assert any("“Amount”" in note and "rename it “quantity”" in note for note in order_file.notes)

    with_quantity = read("service,link,quantity,Amount\n1,https://x.io,100,12.50\n")
    assert with_quantity.notes == []


def test_unknown_columns_are_kept_as_extra_fields():
    text = "service,link,quantity,Custom Field,Custom Field,,Notes for us\n1,a.io,5,x,y,,z\n"
    order_file = read(text)
    assert order_file.unknown_columns == ["custom_field", "custom_field_2", "notes_for_us"]
    assert order_file.rows[0].values == {
        "service": "1", "link": "a.io", "quantity": "5",
        "custom_field": "x", "custom_field_2": "y", "notes_for_us": "z",
    }  # fmt: skip
    # "Notes for us" is not "Notes": it does not become the reference.
    assert "reference" not in order_file.rows[0].values


def test_column_without_header_is_kept_only_when_a_row_fills_it():
    empty = read("service,link,,quantity,\n1,a.io,,5,\n2,b.io,,6,\n")
    assert empty.columns == ["service", "link", "quantity"]

    filled = read("service,link,,quantity\n1,a.io,gift,5\n2,b.io,,6\n")
    assert filled.columns == ["service", "link", "column_C", "quantity"]
    assert filled.unknown_columns == ["column_C"]
    assert filled.rows[0].values["column_C"] == "gift"


def test_two_columns_for_one_field_is_an_error_naming_both():
    error = read_error("Service,Link,Quantity,URL\n1,a.io,5,b.io\n")
    assert "B (“Link”)" in str(error) and "D (“URL”)" in str(error)
    assert (error.line, error.column) == (1, 4)


# --- mass-order text ----------------------------------------------------------------------


def test_mass_order_text_in_all_three_shapes():
    text = (
        "101|https://instagram.com/p/abc|1000\r\n"
        "\r\n"
        "102 | 500 | https://t.me/channel \r\n"
        "103|https://x.io/package\r\n"
        "104|https://x.io/a|250|\r\n"
    )
    order_file = read(text, name="mass.txt")
    assert order_file.format == "mass"
    assert order_file.delimiter is None
    assert order_file.columns == ["service", "link", "quantity"]
    assert order_file.rows == [
        RawRow(1, 1, {"service": "101", "link": "https://instagram.com/p/abc", "quantity": "1000"}),
        RawRow(2, 3, {"service": "102", "link": "https://t.me/channel", "quantity": "500"}),
        RawRow(3, 4, {"service": "103", "link": "https://x.io/package"}),
        RawRow(4, 5, {"service": "104", "link": "https://x.io/a", "quantity": "250"}),
    ]


def test_mass_order_numeric_last_field_keeps_the_usual_order():
    # Both fields numeric: the usual service|link|quantity (a link may be a numeric id).
    row = read("7|123456|100\n").rows[0]
    assert row.values == {"service": "7", "link": "123456", "quantity": "100"}


def test_mass_order_lines_that_fit_no_shape_are_kept_with_a_problem():
    text = "1|https://a.io|10\nplease rush these\n2|https://b.io|10|20|30\n3|https://c.io|5\n"
    rows = read(text).rows
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert rows[0].problem is None and rows[3].problem is None
    assert rows[1].line == 2
    assert "expected service|link|quantity" in rows[1].problem
    assert "please rush these" in rows[1].problem
    assert rows[2].line == 3 and "5 fields" in rows[2].problem


def test_mass_order_in_utf16_and_cp1252():
    text = "1|https://x.io/café|100\r\n2|https://x.io/b|200\r\n"
    for data in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), text.encode("cp1252")):
        rows = read(data).rows
        assert rows[0].values["link"] == "https://x.io/café"
        assert len(rows) == 2


# --- rows the reader could not split ------------------------------------------------------


def test_a_link_running_over_lines_is_flagged_not_dropped():
    # The quote before the link is never closed where it should be: two rows become one.
    text = 'service,link,quantity\n1,"https://a.io,100\n2,https://b.io",50\n3,https://c.io,5\n'
    rows = read(text).rows
    assert len(rows) == 2
    assert rows[0].line == 2
    assert "link" in rows[0].problem and "lines 2-3" in rows[0].problem
    assert rows[1].problem is None


# --- files that cannot be read: why, where, what to do -----------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n\t", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file(data):
    error = read_error(data)
    assert "“orders.csv” is empty" in str(error)


def test_workbook_is_refused_with_how_to_save_as_csv():
    error = read_error(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), name="orders.xlsx")
    assert "“orders.xlsx” is a spreadsheet workbook" in str(error)
    assert "CSV UTF-8" in str(error)


def test_binary_file_is_refused_with_where():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    error = read_error(png, name="photo.png")
    assert "“photo.png” is not a text file" in str(error)
    assert (error.line, error.column) == (3, 1)
    assert "line 3, column 1" in str(error)


def test_damaged_utf8_is_refused_not_read_as_cp1252():
    data = "service,link\n1,https://x.io/café\n".encode() + b"2,https://x.io/caf\xe9\n"
    error = read_error(data)
    assert (error.line, error.column) == (3, 19)
    assert "Line 3, column 19" in str(error) and "UTF-8" in str(error)


def test_undecodable_cp1252_bytes_say_where():
    error = read_error(b"service,link\n1,ok\xe9\n2,bad\x81\n")
    assert (error.line, error.column) == (3, 6)


def test_truncated_utf16_says_where():
    data = codecs.BOM_UTF16_LE + "service\tlink\r\n1\tx.io\r\n".encode("utf-16-le")
    error = read_error(data[:-1])
    assert error.line == 3
    assert "UTF-16" in str(error)


def test_no_header_lists_the_expected_columns():
    error = read_error("1001,https://x.io,100\n1002,https://y.io,100\n")
    message = str(error)
    assert error.line == 1
    assert "No header row" in message and "“1001,https://x.io,100”" in message
    for expected in ("service", "link", "quantity", "panel", "reference", "service|link|quantity"):
        assert expected in message


def test_no_header_after_a_sep_line_points_at_the_header_line():
    error = read_error("sep=,\nfoo,bar\n1,2\n")
    assert error.line == 2 and "“foo,bar”" in str(error)


def test_row_with_more_cells_than_the_header():
    rows = "".join(f"{n},https://x.io/{n},100\n" for n in range(1, 10))
    text = "service,link,quantity\n" + rows.replace("/3,", "/3,a,").replace("/7,", "/7,b,")
    error = read_error(text)
    assert error.line == 4
    message = str(error)
    assert "Line 4 of “orders.csv” has more cells than the header has columns (3)" in message
    assert "comma" in message and "double quotes" in message
    assert "line 8" in message


def test_unterminated_quote_says_where_it_opens():
    text = 'service,link,quantity\n1,https://a.io,5\n2,"https://b.io,5\n3,https://c.io,5\n'
    error = read_error(text)
    assert (error.line, error.column) == (3, 3)
    assert "line 3" in str(error) and "column B" in str(error) and "never closed" in str(error)


def test_unterminated_quote_in_a_huge_file_is_still_the_quote():
    text = 'service,link,comments\n1,a.io,"never closed\n' + "more text\n" * 70_000
    error = read_error(text)
    assert error.line == 2 and "never closed" in str(error)


def test_text_after_a_closing_quote_says_both_lines():
    text = 'service,link,comments\n1,"a.io,x\n2,b.io,"c1\nc2"\n'
    error = read_error(text)
    assert error.line == 3
    assert "Line 3" in str(error) and "starts on line 2" in str(error)


def test_header_without_rows():
    error = read_error("service,link,quantity\r\n\r\n,,\r\n")
    assert "no orders" in str(error) and "header" in str(error)


def test_messages_name_the_file_not_its_folder():
    error = read_error(b"", name="C:\\Users\\ana\\Desktop\\orders.csv")
    assert "“orders.csv”" in str(error) and "Users" not in str(error)
    assert "the file is empty" in str(read_error(b"", name="")).lower()


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_rows_or_an_import_error(data):
    try:
        order_file = read_order_file(data)
    except ImportFileError as error:
        assert str(error)
    else:
        assert order_file.rows
        assert all(row.values or row.problem for row in order_file.rows)


_cell_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from([",", ";", "\t", '"', " ", "|"]),
    max_size=12,
)
_rows = st.lists(
    st.tuples(_cell_text, _cell_text, st.lists(_cell_text, max_size=3), _cell_text),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(_rows, st.sampled_from([",", ";", "\t"]))
def test_whatever_excel_writes_reads_back(rows, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["service", "link", "comments", "reference"])
    expected = []
    for service, link, comment_lines, reference in rows:
        comments = "\n".join(comment_lines)
        writer.writerow([service, link, comments, reference])
        cells = {"service": service, "link": link, "comments": comments, "reference": reference}
        values = {key: text.strip() for key, text in cells.items() if text.strip()}
        if values:
            expected.append(values)
    data = out.getvalue().encode("utf-8")
    if not expected:
        assert "no orders" in str(read_error(data))
        return
    order_file = read(data)
    assert [row.values for row in order_file.rows] == expected
    assert [row.number for row in order_file.rows] == list(range(1, len(expected) + 1))
    assert order_file.delimiter == delimiter
