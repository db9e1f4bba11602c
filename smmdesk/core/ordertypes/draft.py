"""Preparing an order from raw texts: every check of the type table, the ``add`` params,
the delivered quantity and the expected cost.

``prepare_order`` is what the form, the CLI and the CSV importer call before sending;
``live_problems`` runs the same checks for messages while a form is being filled. Both take
the panel's dialect (smmdesk.core.api.dialect): list fields are joined as the panel splits
them, dates written as it reads them, ``quantity`` added where it wants one for every type,
drip-feed bounds checked on the total where it does, and a warning given for characters it
is known to mangle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from smmdesk import protocol as p
from smmdesk.core.api.dialect import Dialect
from smmdesk.core.api.models import Service
from smmdesk.core.errors import FieldProblem, ValidationError
from smmdesk.core.ordertypes.fields import (
    BadValue,
    FieldSpec,
    FieldValue,
    is_blank,
    parse_integer,
    shown,
)
from smmdesk.core.ordertypes.table import (
    RESERVED,
    ROW_COLUMNS,
    CostRule,
    QuantityRule,
    TypeSpec,
    in_range,
    range_text,
    spec_for,
    unknown_type_warning,
)
from smmdesk.protocol import CHARGE_PLACES

CHARGE_STEP = Decimal(1).scaleb(-CHARGE_PLACES)


@dataclass(frozen=True)
class OrderDraft:
    """An order ready to send. ``params``: exactly what ``add`` sends besides key, action
    and service. ``quantity``: what will be delivered (None when the service sets it).
    ``link``: what the order is for (the link, or the username of a subscription)."""

    params: dict[str, str]
    quantity: int | None
    expected_cost: Decimal
    warnings: list[str] = field(default_factory=list)
    link: str | None = None


class _Check:
    """One run of every check over ``values``; collects problems instead of stopping."""

    def __init__(
        self,
        service: Service,
        values: Mapping[str, str],
        today: date | None,
        dialect: Dialect | None = None,
    ):
        self.service = service
        self.dialect = dialect or Dialect()
        self.spec: TypeSpec = spec_for(service)
        self.fields = self.spec.fields_for(service)
        self.today = today or date.today()
        self.problems: list[FieldProblem] = []
        self.parsed: dict[str, FieldValue] = {}
        self.failed: set[str] = set()
        self.given: dict[str, tuple[str, str]] = {}  # lower name -> (name as given, text)
        for name, raw in values.items():
            key, text = name.strip().lower(), "" if raw is None else str(raw)
            if key not in ROW_COLUMNS and not is_blank(text):
                self.given[key] = (name.strip(), text)

    def problem(self, name: str, message: str) -> None:
        self.problems.append(FieldProblem(name, message))
        self.failed.add(name)

    def run(self) -> _Check:
        for spec in self.fields:
            self._read(spec)
        for spec in self.fields:
            self._cross_check(spec)
        self.extras = self._leftovers()
        self.quantity = self._quantity()
        return self

    def _read(self, spec: FieldSpec) -> None:
        _, raw = self.given.pop(spec.name, (spec.name, ""))
        raw = raw if not is_blank(raw) else spec.default
        value: FieldValue | None = None
        if not is_blank(raw):
            try:
                value = spec.parse(raw, today=self.today)
            except BadValue as error:
                self.problem(spec.name, error.message)
                return
        if value is None or value == []:
            if spec.required:
                self.problem(spec.name, spec.missing_message)
            return
        if self._total_bounds(spec):
            pass  # checked on runs x quantity in _quantity, as this panel does
        elif spec.service_bounds and isinstance(value, int) and not in_range(value, self.service):
            text = range_text(self.service)
            self.problem(spec.name, f"{spec.label} must be {text} for this service.")
            return
        self.parsed[spec.name] = value

    def _total_bounds(self, spec: FieldSpec) -> bool:
        """The panel checks min/max on runs x quantity, and this order is drip-fed."""
        runs = self.given.get("runs", ("", ""))[1] or self.parsed.get("runs")
        return spec.name == "quantity" and self.dialect.dripfeed_total and bool(runs)

    def _cross_check(self, spec: FieldSpec) -> None:
        value = self.parsed.get(spec.name)
        other = self.spec.field(spec.together_with or spec.not_above or "")
        alone = other is not None and not ({other.name} & (self.parsed.keys() | self.failed))
        if spec.together_with and other and value is not None and alone:
            self.problem(
                other.name,
                f"Enter the {other.in_sentence} too, or leave "
                f"the {spec.in_sentence} empty: the two go together.",
            )
        if spec.not_above and other and isinstance(value, int):
            top = self.parsed.get(other.name)
            if isinstance(top, int) and value > top:
                self.problem(
                    spec.name,
                    f"{spec.label} ({value:,}) can't be more than the "
                    f"{other.in_sentence} ({top:,}).",
                )
        if spec.needed_when:
            self._check_needed(spec, value)

    def _check_needed(self, spec: FieldSpec, value: FieldValue | None) -> None:
        chooser = self.spec.field(spec.needed_when[0]) if spec.needed_when else None
        chosen = self.parsed.get(chooser.name) if chooser else None
        if chooser is None or not isinstance(chosen, str) or spec.needed_when is None:
            return
        code = spec.needed_when[1]
        case = f"{chooser.in_sentence} {code} ({chooser.choice_label(code)})"
        if chosen == code and value is None and spec.name not in self.failed:
            self.problem(spec.name, f"Enter the {spec.in_sentence}: {case} needs it.")
        elif chosen != code and value is not None:
            self.problem(spec.name, f"Leave the {spec.in_sentence} empty: only {case} uses it.")

    def _leftovers(self) -> dict[str, str]:
        """Given fields the type has no place for: extras of an unknown type, else problems."""
        extras: dict[str, str] = {}
        for key, (name, text) in self.given.items():
            if key in RESERVED:
                self.problem(name, f"'{name}' is not an order field: smmdesk sends it itself.")
            elif key == "quantity" and self.spec.quantity is QuantityRule.COUNT:
                continue  # checked against the count in _quantity
            elif any(f.name == key for f in self.spec.fields):
                self.problem(
                    key,
                    f"This service doesn't offer drip-feed: leave the {key} empty "
                    "(or choose a service that allows drip-feed).",
                )
            elif self.spec.takes_extras:
                extras[name] = text
            else:
                self.problem(name, f"Services of type {self.spec.name} don't take '{name}'.")
        return extras

    def _quantity(self) -> int | None:
        rule = self.spec.quantity
        if rule is QuantityRule.FIXED:
            return None
        if rule is QuantityRule.COUNT:
            return self._counted()
        if rule is QuantityRule.POSTS_X_MAX:
            posts, top = self.parsed.get("posts"), self.parsed.get("max")
            return posts * top if isinstance(posts, int) and isinstance(top, int) else None
        quantity, runs = self.parsed.get("quantity"), self.parsed.get("runs", 1)
        if not isinstance(quantity, int) or not isinstance(runs, int):
            return None
        total = quantity * runs
        if self.dialect.dripfeed_total and runs > 1 and not in_range(total, self.service):
            self.problem(
                "quantity",
                f"Quantity × runs ({total:,}) must be {range_text(self.service)} for this "
                "service: this panel checks the whole drip-feed, not one run.",
            )
        return total

    def _counted(self) -> int | None:
        spec = self.spec.field(self.spec.count_field or "")
        items = self.parsed.get(spec.name) if spec else None
        if spec is None or not isinstance(items, list):
            return None
        count, noun = len(items), spec.in_sentence
        size = package_size(self.service) if self.spec.cost is CostRule.FLAT else None
        if size is not None and count != size:
            self.problem(
                spec.name,
                f"This package takes {size:,} {noun} (its name says so); you gave {count:,}. "
                "Write one per line.",
            )
        if self.spec.cost is CostRule.PER_THOUSAND and not in_range(count, self.service):
            self.problem(
                spec.name,
                f"Give {range_text(self.service)} {noun} for this service, one per line "
                f"(you gave {count:,}).",
            )
        name, stated = self.given.get("quantity", ("quantity", ""))
        if not is_blank(stated) and parse_integer(stated) != count:
            self.problem(
                name,
                f"The quantity is the number of {noun} ({count:,}), not '{shown(stated)}': "
                "leave the quantity empty.",
            )
        return count

    def params(self) -> dict[str, str]:
        sep, fmt = self.dialect.list_separator, self.dialect.expiry_format
        params = {
            f.name: f.to_param(self.parsed[f.name], separator=sep, date_format=fmt)
            for f in self.fields
            if f.name in self.parsed
        }
        if self._sends_quantity():
            params["quantity"] = str(self.quantity or max(self.service.min, 1))
        return params | self.extras

    def _sends_quantity(self) -> bool:
        """The panel wants a quantity where the type has none to ask: the line count of a
        counted type, the fixed amount of a package (Custom Comments excepted)."""
        rule = self.spec.quantity
        return (
            self.dialect.quantity_always
            and rule in (QuantityRule.COUNT, QuantityRule.FIXED)
            and self.spec.name != p.CUSTOM_COMMENTS
        )

    def expected_cost(self) -> Decimal:
        rate = self.service.rate
        if self.spec.cost is CostRule.FLAT:
            cost = rate
        else:
            cost = rate * Decimal(self.quantity or 0) / 1000
        return cost.quantize(CHARGE_STEP, rounding=ROUND_HALF_UP)

    def warnings(self, params: Mapping[str, str]) -> list[str]:
        warnings = [] if self.spec.known else [unknown_type_warning(self.service)]
        mangled = sorted({c for c in self.dialect.mangles for v in params.values() if c in v})
        if mangled:
            warnings.append(mangle_warning(mangled))
        return warnings


_MANGLES = {
    "+": "'+' becomes a space",
    "%": "'%' followed by two characters changes into another character",
    "<": "everything after '<' may be cut off",
}


def mangle_warning(chars: list[str]) -> str:
    what = "; ".join(_MANGLES.get(c, f"'{c}' changes") for c in chars)
    return (
        f"This panel is known to change some characters in what it receives ({what}). "
        "Remove them, or check the order on the panel after placing it."
    )


_PACKAGE_SIZE = re.compile(
    r"\b(\d{1,4})\s*(?:custom\s+)?(?:comments?|mentions?|usernames?)\b", re.I
)


def package_size(service: Service) -> int | None:
    """How many lines a package of comments takes, when its name says ("Instagram 10 Custom
    Comments Package"); None when it does not say (the panel decides)."""
    found = _PACKAGE_SIZE.search(service.name)
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def live_problems(
    service: Service,
    values: Mapping[str, str],
    *,
    today: date | None = None,
    dialect: Dialect | None = None,
) -> list[FieldProblem]:
    """Every problem of ``values`` for ``service`` (the checks of prepare_order)."""
    return _Check(service, values, today, dialect).run().problems


def prepare_order(
    service: Service,
    values: Mapping[str, str],
    *,
    today: date | None = None,
    dialect: Dialect | None = None,
) -> OrderDraft:
    """Check ``values`` (raw texts keyed by API field name; missing or blank = empty; CSV
    columns ``service``, ``panel`` and ``reference`` are skipped) against the service's
    type and bounds, for a panel speaking ``dialect`` (default: the reference). Raises
    ValidationError listing every problem at once."""
    check = _Check(service, values, today, dialect).run()
    if check.problems:
        raise ValidationError(check.problems)
    params = check.params()
    return OrderDraft(
        params=params,
        quantity=check.quantity,
        expected_cost=check.expected_cost(),
        warnings=check.warnings(params),
        link=params.get(check.spec.target),
    )
