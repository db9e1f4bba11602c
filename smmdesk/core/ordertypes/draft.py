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
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, ngettext
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
    service_range,
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
        raw = self.given.pop(spec.name, (spec.name, ""))[1]
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
            low, high = service_range(self.service)
            if high is None:
                # Translators: {label} is a field's name as the form shows it ("Quantity").
                message = _("{label} must be at least {low} for this service.")
            else:
                message = _("{label} must be between {low} and {high} for this service.")
            self.problem(spec.name, message.format(label=spec.title, **_bounds(low, high)))
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
            # Translators: {other} and {field} are fields' names ("runs", "interval").
            message = _("Enter the {other} too, or leave the {field} empty: the two go together.")
            self.problem(
                other.name, message.format(other=other.in_sentence, field=spec.in_sentence)
            )
        if spec.not_above and other and isinstance(value, int):
            top = self.parsed.get(other.name)
            if isinstance(top, int) and value > top:
                message = _("{label} ({value}) can't be more than the {other} ({top}).")
                self.problem(
                    spec.name,
                    message.format(
                        label=spec.title,
                        value=format_integer(value),
                        other=other.in_sentence,
                        top=format_integer(top),
                    ),
                )
        if spec.needed_when:
            self._check_needed(spec, value)

    def _check_needed(self, spec: FieldSpec, value: FieldValue | None) -> None:
        chooser = self.spec.field(spec.needed_when[0]) if spec.needed_when else None
        chosen = self.parsed.get(chooser.name) if chooser else None
        if chooser is None or not isinstance(chosen, str) or spec.needed_when is None:
            return
        code = spec.needed_when[1]
        case = {
            "field": spec.in_sentence,
            "chooser": chooser.in_sentence,
            "code": code,
            "choice": chooser.choice_label(code),
        }
        if chosen == code and value is None and spec.name not in self.failed:
            # Translators: "Enter the Google keyword: type of traffic 1 (Google keyword)
            # needs it." {chooser} is a field's name, {code} and {choice} one of its choices.
            message = _("Enter the {field}: {chooser} {code} ({choice}) needs it.")
            self.problem(spec.name, message.format(**case))
        elif chosen != code and value is not None:
            message = _("Leave the {field} empty: only {chooser} {code} ({choice}) uses it.")
            self.problem(spec.name, message.format(**case))

    def _leftovers(self) -> dict[str, str]:
        """Given fields the type has no place for: extras of an unknown type, else problems."""
        extras: dict[str, str] = {}
        for key, (name, text) in self.given.items():
            if key in RESERVED:
                # Translators: {name} is an API field name, kept in English ("key").
                message = _("'{name}' is not an order field: smmdesk sends it itself.")
                self.problem(name, message.format(name=name))
            elif key == "quantity" and self.spec.quantity is QuantityRule.COUNT:
                continue  # checked against the count in _quantity
            elif any(f.name == key for f in self.spec.fields):
                # Translators: {name} is an API field name, kept in English ("runs").
                message = _(
                    "This service doesn't offer drip-feed: leave the {name} empty "
                    "(or choose a service that allows drip-feed)."
                )
                self.problem(key, message.format(name=key))
            elif self.spec.takes_extras:
                extras[name] = text
            else:
                # Translators: {type} is a catalog type ("Poll"), {name} an API field name.
                message = _("Services of type {type} don't take '{name}'.")
                self.problem(name, message.format(type=self.spec.name, name=name))
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
            low, high = service_range(self.service)
            if high is None:
                message = _(
                    "Quantity × runs ({total}) must be at least {low} for this service: "
                    "this panel checks the whole drip-feed, not one run."
                )
            else:
                message = _(
                    "Quantity × runs ({total}) must be between {low} and {high} for this "
                    "service: this panel checks the whole drip-feed, not one run."
                )
            bounds = _bounds(low, high)
            self.problem("quantity", message.format(total=format_integer(total), **bounds))
        return total

    def _counted(self) -> int | None:
        spec = self.spec.field(self.spec.count_field or "")
        items = self.parsed.get(spec.name) if spec else None
        if spec is None or not isinstance(items, list):
            return None
        count, noun = len(items), spec.in_sentence
        size = package_size(self.service) if self.spec.cost is CostRule.FLAT else None
        given = {"field": noun, "count": format_integer(count)}
        if size is not None and count != size:
            # Translators: {field} is a field's name ("comments"), counted by {size}: the
            # English forms are the same, yours may differ ("1 строку", "5 строк").
            message = ngettext(
                "This package takes {size} {field} (its name says so); you gave {count}. "
                "Write one per line.",
                "This package takes {size} {field} (its name says so); you gave {count}. "
                "Write one per line.",
                size,
            )
            self.problem(spec.name, message.format(size=format_integer(size), **given))
        if self.spec.cost is CostRule.PER_THOUSAND and not in_range(count, self.service):
            low, high = service_range(self.service)
            if high is None:
                # Translators: {field} is a field's name ("comments"); {count} the lines given.
                message = _(
                    "Give at least {low} {field} for this service, one per line (you gave {count})."
                )
            else:
                message = _(
                    "Give between {low} and {high} {field} for this service, one per line "
                    "(you gave {count})."
                )
            self.problem(spec.name, message.format(**given, **_bounds(low, high)))
        name, stated = self.given.get("quantity", ("quantity", ""))
        if not is_blank(stated) and parse_integer(stated) != count:
            # Translators: {field} is a field's name ("comments"); {text} what was typed.
            message = _(
                "The quantity is the number of {field} ({count}), not '{text}': "
                "leave the quantity empty."
            )
            self.problem(name, message.format(text=shown(stated), **given))
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
    "+": N_("'+' becomes a space"),
    "%": N_("'%' followed by two characters changes into another character"),
    "<": N_("everything after '<' may be cut off"),
}


def _bounds(low: int, high: int | None) -> dict[str, str]:
    """A service's bounds as placeholders ``{low}``/``{high}``, in the language's digits."""
    return {"low": format_integer(low)} | ({"high": format_integer(high)} if high else {})


def mangle_warning(chars: list[str]) -> str:
    # Translators: {char} is one character, like "&".
    changes = _("'{char}' changes")
    what = "; ".join(_(_MANGLES[c]) if c in _MANGLES else changes.format(char=c) for c in chars)
    # Translators: {changes} lists what happens to which character, separated by ";".
    message = _(
        "This panel is known to change some characters in what it receives ({changes}). "
        "Remove them, or check the order on the panel after placing it."
    )
    return message.format(changes=what)


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
