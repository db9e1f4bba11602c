"""Text search in order history: what "matches the text" means, and how it is found fast.

An order matches when the text is part of its remote id, link, reference (the customer) or
service name (ASCII letters in any case, as SQL's LIKE), or, when the text is a number, when
it is the local id ("12" or "#12"). That is the one definition (``text_clause``); the
full-text index ``orders_fts`` (migration m005: trigram tokens, so any part of a link or an
id of three characters or more is found) only narrows down where to look: ``match_set`` is
every order the index says may match, and each is still checked with ``text_clause``.

A text shorter than that (one or two characters, but "#12") is looked for in the newest
SHORT_TEXT_SCOPE orders only (by local id): without the index every order is read, and
over a million orders "ab" or "7" matches in most anyway.

Two ways to read a page of matches, chosen per page (``history`` does it):
  * walk the sort order (an index) checking each order, for at most WALK_ROWS orders: fast
    when matches are common ("customer", "instagram");
  * when that walk did not fill the page: read the index's match set and sort it: fast when
    matches are rare (an order id, one customer, a text found nowhere).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from smmdesk.core.store.migrations import FTS_COLUMNS

# How many orders a page's walk along the sort order looks at before it asks the index.
WALK_ROWS = 10_000
# The trigram index finds texts of at least this many characters.
INDEXED_LENGTH = 3
# How many of the newest orders a text too short for the index is looked for in.
SHORT_TEXT_SCOPE = 50_000
# How far into a trigram's list of orders a probe looks to tell how common it is.
PROBE = 1000
# Trigrams in more than this share of the orders ("use" of "user_", "htt") are left out of
# the index query when rarer ones remain: reading them costs most and narrows down least.
COMMON = 0.5

_SEARCHED = ("o.remote_id", "o.link", "o.reference", "o.service_name")
assert {c.split(".")[1] for c in _SEARCHED} == set(FTS_COLUMNS)


def text_clause(text: str) -> tuple[str, list[Any]]:
    """SQL (over ``orders o``) true for the orders matching ``text``, and its parameters."""
    local = text[1:] if text.startswith("#") else text
    if text.startswith("#") and local.isdigit():
        return "o.id = ?", [int(local)]
    likes, params = _likes(text)
    if local.isdigit():
        return f"(o.id = ? OR {likes})", [int(local), *params]
    return likes, params


def _likes(text: str) -> tuple[str, list[Any]]:
    """SQL true for the orders holding ``text`` in a searched column (as LIKE compares)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    likes = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for column in _SEARCHED)
    return f"({likes})", [pattern] * len(_SEARCHED)


def indexed(text: str) -> bool:
    """Whether the full-text index can find ``text`` (else only a walk finds it)."""
    local = text[1:] if text.startswith("#") else text
    if text.startswith("#") and local.isdigit():
        return False  # "#12" is the local id alone: the primary key finds it
    return len(text) >= INDEXED_LENGTH


def short_text_scope(db: Database) -> int | None:
    """The local id after which a text too short for the index is looked for (the newest
    SHORT_TEXT_SCOPE orders); None when there are no more orders than that."""
    newest = db.execute("SELECT max(id) FROM orders").fetchone()[0]
    if newest is None or newest <= SHORT_TEXT_SCOPE:
        return None
    return int(newest) - SHORT_TEXT_SCOPE


def match_set(db: Database, text: str) -> tuple[str, list[Any]]:
    """A subquery of ``id``: every order the index says may match ``text`` (a superset of the
    matches: the index folds case for every letter, LIKE for ASCII letters only), plus the
    order whose local id is ``text``."""
    sql = "SELECT rowid AS id FROM orders_fts WHERE orders_fts MATCH ?"
    params: list[Any] = [match_expression(db, text)]
    if text.isdigit():
        sql += " UNION SELECT ?"
        params.append(int(text))
    return sql, params


def match_expression(db: Database, text: str) -> str:
    """The FTS5 query for ``text``: its runs of uncommon trigrams as phrases joined by AND
    (every order holding ``text`` holds them, so the LIKE check after it stays exact).

    "user_123" over a million links: "use", "ser", "er_" and "r_1" are in most of them;
    asking for "_123" alone reads a few thousand entries instead of four million."""
    grams = [text[i : i + 3] for i in range(len(text) - 2)]
    share = {gram: _share(db, gram) for gram in set(grams)}
    rarest = min(share.values())
    kept = [share[gram] <= COMMON or share[gram] == rarest for gram in grams]
    runs: list[str] = []
    start = None
    for i, keep in enumerate([*kept, False]):
        if keep and start is None:
            start = i
        elif not keep and start is not None:
            runs.append(text[start : i + 2])
            start = None
    return " AND ".join(_phrase(run) for run in runs)


def _share(db: Database, gram: str) -> float:
    """About what share of the orders hold ``gram``, from where its PROBE-th order is (order
    ids grow with time, so the position of the PROBE-th one tells the density)."""
    row = db.execute(
        "SELECT rowid FROM orders_fts WHERE orders_fts MATCH ? LIMIT 1 OFFSET ?",
        (_phrase(gram), PROBE - 1),
    ).fetchone()
    return 0.0 if row is None else PROBE / max(row[0], PROBE)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
