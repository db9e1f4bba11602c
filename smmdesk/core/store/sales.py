"""What the reseller's customers pay: sale prices, the customers list, markup rules.

An order's customer is its ``reference`` (the reseller's note grown into an optional
customer name); ``customers`` lists the names given, for the form's completer and reports.
Profit = sale price - the panel's charge (what the panel reports, partials and refunds
included; the expected cost until the panel says).

A markup rule suggests a sale price: a percentage on the cost, or a fixed price per 1000
units. The most specific rule wins: service, then category, then panel, then one for all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.errors import FieldProblem, SettingRefused, ValidationError
from smmdesk.core.formats import NumberTextError, format_integer, format_money, read_amount
from smmdesk.core.i18n import _
from smmdesk.core.money import plain
from smmdesk.core.store.orders import Order, add_event, get_order
from smmdesk.core.store.sql import money_text, now, time_text, transaction
from smmdesk.protocol import CANCELED, FAILED

CUSTOMER_MAX_LENGTH = 80
_ZERO = Decimal(0)
_CENTS = Decimal("0.01")
_MAX_WHOLE_DIGITS, _MAX_DECIMALS = 12, 8  # a sale price's digits


class MarkupKind(StrEnum):
    PERCENT = "percent"  # sale price = cost x (1 + value / 100)
    PER_1000 = "per1000"  # sale price = value x quantity / 1000 (flat types: value)


@dataclass(frozen=True)
class MarkupRule:
    id: int
    panel_id: int | None
    category: str | None
    service_id: str | None
    kind: MarkupKind
    value: Decimal

    def suggest(self, cost: Decimal, quantity: int | None, flat: bool) -> Decimal:
        if self.kind == MarkupKind.PERCENT:
            price = cost * (1 + self.value / 100)
        elif flat or quantity is None:
            price = self.value
        else:
            price = self.value * quantity / 1000
        return price.quantize(_CENTS, rounding=ROUND_HALF_UP)


def parse_sale_price(text: object) -> Decimal | None:
    """A sale price typed by the reseller, in the current language's way or the plain one
    (``formats.read_amount``: "5", "5.00" everywhere, "5,00" in Turkish or Russian, "1.234,50"
    in Turkish); None for empty. ValidationError (field ``sale_price``) for anything that is
    not money, or could be read two ways ("1.500" in Russian)."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        return None
    try:
        amount = read_amount(raw)
    except NumberTextError:
        amount = None
    if amount is None or not _fits(amount):
        # Translators: {example} is an amount as your language writes it ("5.00").
        message = _(
            '"{text}" is not an amount of money. Write what the customer pays, like {example}.'
        )
        example = format_money(Decimal(5))
        raise ValidationError(
            [FieldProblem("sale_price", message.format(text=raw, example=example))]
        )
    return amount


def _fits(amount: Decimal) -> bool:
    """At most 12 digits before the decimal mark and 8 after (what is stored)."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int):
        return False
    whole = len(str(int(amount)))
    return whole <= _MAX_WHOLE_DIGITS and -exponent <= _MAX_DECIMALS


def order_profit(order: Order) -> Decimal | None:
    """Sale price - the panel's charge (the expected cost until the panel reports one; 0 for
    an order Canceled or Failed); None without a sale price."""
    cost = order.charge if order.charge is not None else order.expected_cost
    if order.sale_price is None or cost is None:
        return None
    sale = _ZERO if order.status in (CANCELED, FAILED) else order.sale_price
    return plain(sale - cost)


def set_sale(
    db: Database,
    order_id: int,
    *,
    sale_price: Decimal | None = None,
    customer: str | None = None,
    clear_price: bool = False,
) -> Order:
    """Change an order's sale price and/or customer (its reference); an event records it."""
    name = check_customer(customer) if customer is not None else None
    with transaction(db):
        order = get_order(db, order_id)
        if sale_price is not None or clear_price:
            db.execute(
                "UPDATE orders SET sale_price = ?, updated_at = ? WHERE id = ?",
                (money_text(sale_price), time_text(now()), order.id),
            )
        if name is not None:
            db.execute("UPDATE orders SET reference = ? WHERE id = ?", (name or None, order.id))
            if name:
                remember_customer(db, name)
        add_event(db, order.id, "sale", note=_note(sale_price, name, clear_price))
        return get_order(db, order.id)


def _note(price: Decimal | None, customer: str | None, cleared: bool) -> str:
    """The order history's note of a sale change (the amount plain, as it is stored)."""
    if price is not None and customer:
        # Translators: a note in an order's history; {price} is the sale price (a plain
        # amount, "12.5"), {customer} the customer's name.
        text = _("Set sale price {price}, customer {customer}")
    elif price is not None:
        # Translators: a note in an order's history; {price} is a plain amount ("12.5").
        text = _("Set sale price {price}")
    elif cleared and customer:
        # Translators: a note in an order's history; {customer} is the customer's name.
        text = _("Set sale price removed, customer {customer}")
    elif cleared:
        text = _("Set sale price removed")
    elif customer:
        # Translators: a note in an order's history; {customer} is the customer's name.
        text = _("Set customer {customer}")
    else:
        text = _("No change")
    return text.format(price=money_text(price) if price is not None else "", customer=customer)


# --- customers ---------------------------------------------------------------------------


def check_customer(name: str) -> str:
    name = " ".join(str(name).split())
    if len(name) > CUSTOMER_MAX_LENGTH or not name.isprintable():
        raise ValidationError(
            [
                FieldProblem(
                    "customer",
                    _("A customer name is at most {maximum} printable characters.").format(
                        maximum=format_integer(CUSTOMER_MAX_LENGTH)
                    ),
                )
            ]
        )
    return name


def remember_customer(db: Database, name: str) -> None:
    """Add ``name`` to the customers list (once, whatever its case)."""
    db.execute(
        "INSERT INTO customers (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        (check_customer(name), time_text(now())),
    )


def list_customers(db: Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM customers ORDER BY name")]


# --- markup rules ------------------------------------------------------------------------


def add_markup(
    db: Database,
    kind: str,
    value: object,
    *,
    panel_id: int | None = None,
    category: str | None = None,
    service_id: str | None = None,
) -> MarkupRule:
    """Add (or replace: one rule per scope) a markup rule; ConfigError for a bad one."""
    try:
        markup = MarkupKind(kind)
    except ValueError:
        # Translators: "percent" and "per1000" are the words to type; keep them.
        message = _('A markup is "percent" or "per1000" (a price per 1000).')
        raise SettingRefused(message) from None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise SettingRefused(
            _(
                "A markup must be a number of 0 or more, like 30 (percent) or 1.50 (per 1000), "
                'not "{value}".'
            ).format(value=value)
        )
    if service_id is not None and panel_id is None:
        raise SettingRefused(_("A markup for one service needs its panel."))
    with transaction(db):
        db.execute(
            "DELETE FROM markup_rules WHERE panel_id IS ? AND category IS ? AND service_id IS ?",
            (panel_id, category, service_id),
        )
        cursor = db.execute(
            "INSERT INTO markup_rules (panel_id, category, service_id, kind, value, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (panel_id, category, service_id, markup, money_text(amount), time_text(now())),
        )
    return MarkupRule(cursor.lastrowid or 0, panel_id, category, service_id, markup, amount)


def markup_rules(db: Database) -> list[MarkupRule]:
    rows = db.execute(
        "SELECT id, panel_id, category, service_id, kind, value FROM markup_rules ORDER BY id"
    )
    return [MarkupRule(r[0], r[1], r[2], r[3], MarkupKind(r[4]), Decimal(r[5])) for r in rows]


def remove_markup(db: Database, rule_id: int) -> bool:
    with transaction(db):
        return db.execute("DELETE FROM markup_rules WHERE id = ?", (rule_id,)).rowcount > 0


def rule_for(db: Database, panel_id: int, service: Service) -> MarkupRule | None:
    """The most specific rule for a panel's service, or None."""
    best: tuple[int, MarkupRule] | None = None
    for rule in markup_rules(db):
        if rule.panel_id not in (None, panel_id):
            continue
        if rule.service_id is not None and rule.service_id != service.id:
            continue
        if rule.category is not None and rule.category.casefold() != service.category.casefold():
            continue
        score = (rule.service_id is not None) * 4 + (rule.category is not None) * 2
        score += rule.panel_id is not None
        if best is None or score > best[0]:
            best = (score, rule)
    return None if best is None else best[1]


def suggest_sale_price(
    db: Database, panel_id: int, service: Service, cost: Decimal, quantity: int | None
) -> Decimal | None:
    """The sale price the markup rules suggest for an order, or None without a rule."""
    rule = rule_for(db, panel_id, service)
    if rule is None:
        return None
    flat = service.type_name in ("Package", "Custom Comments Package")
    return rule.suggest(cost, quantity, flat)
