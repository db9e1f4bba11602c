"""Order types as data: one table of catalog types -> ``add`` fields, field kinds that
parse and validate texts, and the preparation of an order (params, quantity, cost).

The GUI form, the CLI (``FIELD=VALUE``) and the CSV importer all read this package;
nothing type-specific is needed anywhere else.
"""

from smmdesk.core.errors import FieldProblem, ValidationError
from smmdesk.core.ordertypes.draft import OrderDraft, live_problems, prepare_order
from smmdesk.core.ordertypes.fields import (
    BadValue,
    FieldKind,
    FieldSpec,
    parse_date,
    parse_integer,
    split_lines,
    split_list,
)
from smmdesk.core.ordertypes.table import (
    ADD_FIELDS,
    FALLBACK,
    ROW_COLUMNS,
    SINGLE_VALUE_FIELDS,
    TYPES,
    BoundField,
    CostRule,
    QuantityRule,
    TypeSpec,
    form_fields,
    form_notices,
    refused_by_api,
    spec_for,
    subscriptions_refusal,
)

__all__ = [
    "ADD_FIELDS",
    "FALLBACK",
    "ROW_COLUMNS",
    "SINGLE_VALUE_FIELDS",
    "TYPES",
    "BadValue",
    "BoundField",
    "CostRule",
    "FieldKind",
    "FieldProblem",
    "FieldSpec",
    "OrderDraft",
    "QuantityRule",
    "TypeSpec",
    "ValidationError",
    "form_fields",
    "form_notices",
    "live_problems",
    "parse_date",
    "parse_integer",
    "prepare_order",
    "refused_by_api",
    "spec_for",
    "split_lines",
    "split_list",
    "subscriptions_refusal",
]
