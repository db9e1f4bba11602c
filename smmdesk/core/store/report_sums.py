"""Running sums for the reports, kept by SQLite triggers on ``orders`` (migration m007).

A report over a million orders reads these few rows instead of every order:

  * ``report_days``: per UTC day, panel and currency (reports by panel, day, week, month);
  * ``report_services``: per UTC month, panel, service and currency (by service), with the
    service's name as the latest order gave it;
  * ``report_customers``: per UTC month, panel, customer and currency (by customer), and
    ``report_customer_totals`` for all time (thousands of customers make many rows a month).

Each row holds the counts (orders, priced: with a sale price) and the sums of spent, sales
and profit of the orders a report counts (smmdesk.core.store.reports says which, and what
each amount is). Sums are exact: an amount's text (money is stored as plain decimal text,
smmdesk.core.store.sql.money_text) is read in SQL as two integers, whole micro-units
(10^-6) and the rest in 10^-18 units (``hi`` and ``lo``). That is exact for every amount of
at most 6 integer digits and 18 decimal places (a charge of rate x quantity / 1000 has the
rate's places plus 3; a sale price at most 8), and a sum of up to 9.2 million such amounts
stays within SQLite's 64-bit integers. Any other amount (more digits, or text Decimal reads
but this does not, like "1E+3") is not summed here: its order is listed in ``report_odd``
and the report reads it from ``orders`` with Decimal, as before m007. An integer overflow
(impossible within those bounds) turns a sum into a REAL, which the report sees and then
reads every order instead.

Keys that may be NULL are stored as text that cannot clash: ``''`` for NULL, ``'=' || x``
for a value (the currency: NULL means "the panel's", resolved when the report is read).
The SQL below is the schema m007 made: change it only with a new migration.
"""

from __future__ import annotations

from decimal import Decimal

from sqlite_utils import Database

from smmdesk.core.store.sql import sql_in
from smmdesk.core.vocabulary import OrderState
from smmdesk.protocol import CANCELED, FAILED

# An order counts when the panel has it; it sells nothing when Canceled or Failed
# (smmdesk.protocol.CANCELED, FAILED).
COUNTED = sql_in(OrderState.PLACED, OrderState.TRACKED)
NO_SALE = sql_in(CANCELED, FAILED)
# The places an amount may have in the integer parts, and the integer digits.
PLACES = 18
INTEGER_DIGITS = 6
SUMS = ("orders", "priced", "spent_hi", "spent_lo", "sales_hi", "sales_lo", "profit_hi",
        "profit_lo")  # fmt: skip
KEYS = ("day", "month", "panel_id", "service", "customer", "currency")
# table -> its key columns
TABLES = {
    "report_days": ("day", "panel_id", "currency"),
    "report_services": ("month", "panel_id", "service", "currency"),
    "report_customers": ("month", "panel_id", "customer", "currency"),
    "report_customer_totals": ("panel_id", "customer", "currency"),
}
# The columns whose change may change what an order adds to the sums.
WATCHED = ("state", "status", "charge", "expected_cost", "sale_price", "reference",
           "currency", "created_at", "panel_id", "service_id", "service_name")  # fmt: skip


def _table(name: str) -> str:
    keys = TABLES[name]
    columns = [f"{key} {'INTEGER' if key == 'panel_id' else 'TEXT'} NOT NULL" for key in keys]
    if name == "report_services":
        columns.append("name TEXT")
    columns += [f"{column} INTEGER NOT NULL DEFAULT 0" for column in SUMS]
    return (
        f"CREATE TABLE {name} ({', '.join(columns)}, PRIMARY KEY ({', '.join(keys)})) WITHOUT ROWID"
    )


def amount(text: str) -> tuple[str, str, str]:
    """SQL reading the amount text ``text`` (an SQL expression): (exactly readable here,
    its whole micro-units, the rest in 10^-18 units), each with the amount's sign."""
    minus = f"({text} GLOB '-*')"  # 1 or 0: the sign's length
    dot = f"instr({text} || '.', '.')"
    decimals = f"substr({text}, {dot} + 1)"
    ok = (
        f"({text} GLOB '*[0-9]*' AND substr({text}, 1 + {minus}) NOT GLOB '*[^0-9.]*' "
        f"AND {text} NOT GLOB '*.*.*' AND {dot} - {minus} <= {INTEGER_DIGITS + 1} "
        f"AND length({text}) - {dot} <= {PLACES})"
    )
    # "-12.345" -> "-12" || "345000" and "-" || "000000000000"
    hi = f"CAST(substr({text}, 1, {dot} - 1) || substr({decimals} || '000000', 1, 6) AS INTEGER)"
    lo = (
        f"CAST(substr({text}, 1, {minus}) || substr({decimals} || '{'0' * PLACES}', 7, "
        f"{PLACES - 6}) AS INTEGER)"
    )
    return ok, hi, lo


def parts(row: str) -> dict[str, str]:
    """SQL over the order ``row`` ("new", "old" in a trigger; "o"): its keys, its name,
    whether its amounts can be summed here (``ok``) and what it adds to each sum."""
    cost, sale = f"coalesce({row}.charge, {row}.expected_cost, '0')", f"{row}.sale_price"
    cost_ok, cost_hi, cost_lo = amount(cost)
    sale_ok, sale_hi, sale_lo = amount(sale)
    sells = f"NOT ({sale} IS NULL OR coalesce({row}.status IN {NO_SALE}, 0))"
    sales_hi = f"(CASE WHEN {sells} THEN {sale_hi} ELSE 0 END)"
    sales_lo = f"(CASE WHEN {sells} THEN {sale_lo} ELSE 0 END)"
    return {
        "day": f"substr({row}.created_at, 1, 10)",
        "month": f"substr({row}.created_at, 1, 7)",
        "panel_id": f"{row}.panel_id",
        "service": f"coalesce({row}.service_id, '')",
        "customer": f"coalesce('=' || {row}.reference, '')",
        "currency": f"coalesce('=' || {row}.currency, '')",
        "name": f"{row}.service_name",
        "ok": f"({cost_ok} AND ({sale} IS NULL OR {sale_ok}))",
        "orders": "1",
        "priced": f"({sale} IS NOT NULL)",
        "spent_hi": cost_hi,
        "spent_lo": cost_lo,
        "sales_hi": sales_hi,
        "sales_lo": sales_lo,
        "profit_hi": f"(CASE WHEN {sale} IS NULL THEN 0 ELSE {sales_hi} - {cost_hi} END)",
        "profit_lo": f"(CASE WHEN {sale} IS NULL THEN 0 ELSE {sales_lo} - {cost_lo} END)",
    }


# A trigger stages what the old order took and the new one adds (slots 0 and 1) in
# ``report_change``, reading each amount once, then adds the staged rows to each table.
_STAGE_COLUMNS = ("slot", *KEYS, "name", "ok", *SUMS)


def _stage(row: str) -> str:
    sign, slot = ("-", 0) if row == "old" else ("", 1)
    found = parts(row)
    values = [
        str(slot),
        *(found[k] for k in KEYS),
        "NULL" if row == "old" else found["name"],  # (the name is the new order's)
        found["ok"],
        *(f"{sign}{found[c]}" for c in SUMS),
    ]
    return (
        f"INSERT INTO report_change ({', '.join(_STAGE_COLUMNS)}) SELECT {', '.join(values)} "
        f"WHERE {row}.state IN {COUNTED};"
    )


def _apply(name: str) -> str:
    columns = [*TABLES[name], *SUMS]
    updates = [f"{c} = {c} + excluded.{c}" for c in SUMS]
    if name == "report_services":
        columns.append("name")
        updates.append("name = coalesce(excluded.name, name)")
    listed = ", ".join(columns)
    return (
        f"INSERT INTO {name} ({listed}) SELECT {listed} FROM report_change WHERE ok "
        f"ON CONFLICT DO UPDATE SET {', '.join(updates)};"
    )


def _body(rows: tuple[str, ...]) -> str:
    """The trigger's statements: the sums, then the list of orders left out of them."""
    sql = ["DELETE FROM report_change;", *(_stage(row) for row in rows)]
    sql += [_apply(name) for name in TABLES]
    if "old" in rows:
        sql.append("DELETE FROM report_odd WHERE order_id = old.id;")
    if "new" in rows:
        sql.append(
            "INSERT OR IGNORE INTO report_odd (order_id) "
            "SELECT new.id FROM report_change WHERE slot = 1 AND NOT ok;"
        )
    return " ".join(sql)


def _changed() -> str:
    """True when an update may change what the order adds to the sums."""
    cost = "coalesce({0}.charge, {0}.expected_cost, '0')"
    keys = ("state", "sale_price", "reference", "currency", "panel_id", "service_id",
            "service_name")  # fmt: skip
    same = [f"old.{c} IS new.{c}" for c in keys]
    same += [
        f"{cost.format('old')} IS {cost.format('new')}",
        "substr(old.created_at, 1, 10) IS substr(new.created_at, 1, 10)",
        f"(old.sale_price IS NULL OR coalesce(old.status IN {NO_SALE}, 0) "
        f"= coalesce(new.status IN {NO_SALE}, 0))",
    ]
    counted = f"(old.state IN {COUNTED} OR new.state IN {COUNTED})"
    return f"{counted} AND NOT ({' AND '.join(same)})"


SCHEMA = (
    *(_table(name) for name in TABLES),
    "CREATE TABLE report_odd (order_id INTEGER PRIMARY KEY)",
    f"""CREATE TABLE report_change (slot INTEGER PRIMARY KEY, {
        ", ".join(
            f"{c} {'TEXT' if c in (*KEYS, 'name') and c != 'panel_id' else 'INTEGER'}"
            for c in _STAGE_COLUMNS[1:]
        )
    })""",
    f"CREATE TRIGGER report_sums_insert AFTER INSERT ON orders WHEN new.state IN {COUNTED} "
    f"BEGIN {_body(('new',))} END",
    f"CREATE TRIGGER report_sums_delete AFTER DELETE ON orders WHEN old.state IN {COUNTED} "
    f"BEGIN {_body(('old',))} END",
    f"CREATE TRIGGER report_sums_update AFTER UPDATE OF {', '.join(WATCHED)} ON orders "
    f"WHEN {_changed()} BEGIN {_body(('old', 'new'))} END",
)


def create(db: Database) -> None:
    """The tables and triggers, and the sums of the orders already stored (m007)."""
    for statement in SCHEMA:
        db.execute(statement)
    fill(db)


def rebuild(db: Database) -> None:
    """Sum every order again (after writes made with the triggers dropped: a bulk load)."""
    for name in (*TABLES, "report_odd"):
        db.execute(f"DELETE FROM {name}")
    fill(db)


def fill(db: Database) -> None:
    """Sum every order stored into the (empty) tables: each order read once, then summed
    per table in SQL."""
    found = parts("o")
    columns = ("id", *KEYS, "name", "ok", *SUMS)
    values = ", ".join(f"{'o.id' if c == 'id' else found[c]} AS {c}" for c in columns)
    db.execute(
        f"CREATE TEMP TABLE report_parts AS SELECT {values} FROM orders o "
        f"WHERE o.state IN {COUNTED}"
    )
    summed = ", ".join(f"sum({c}) AS {c}" for c in SUMS)
    for name, keys in TABLES.items():
        chosen = ", ".join(keys)
        listed = [*keys, *SUMS, *(["name"] if name == "report_services" else [])]
        db.execute(  # (the name of the latest order: the bare column of max(id))
            f"INSERT INTO {name} ({', '.join(listed)}) SELECT {', '.join(listed)} FROM "
            f"(SELECT {chosen}, {summed}, name, max(id) FROM temp.report_parts WHERE ok "
            f"GROUP BY {chosen})"
        )
    db.execute("INSERT INTO report_odd (order_id) SELECT id FROM temp.report_parts WHERE NOT ok")
    db.execute("DROP TABLE temp.report_parts")


def exact(hi: int, lo: int) -> Decimal:
    """The amount ``hi`` micro-units plus ``lo`` 10^-18 units, exactly (at least 2 places,
    without trailing zeros beyond them)."""
    units, exponent = hi * 10 ** (PLACES - 6) + lo, -PLACES
    while exponent < -2 and units % 10 == 0:
        units //= 10
        exponent += 1
    return Decimal(f"{units}E{exponent}")


def key_value(stored: str) -> str | None:
    """A key stored as ``''`` (NULL) or ``'=' || value``, as it was."""
    return stored[1:] if stored else None
