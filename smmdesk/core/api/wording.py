"""What a panel call that went wrong says to the reseller, by action, and the checks of the
ids a call is given (smmdesk.core.api.client sends; this words its failures)."""

from __future__ import annotations

from collections.abc import Iterable

from smmdesk.core.api import parse
from smmdesk.core.api.answers import NOT_AN_API
from smmdesk.core.errors import (
    AddOutcomeUnknown,
    BadRequest,
    FieldProblem,
    InvalidResponse,
    NotFound,
    SmmdeskError,
    ValidationError,
)
from smmdesk.core.i18n import N_, _

# What a refused request was, by action: "The panel refused the ... request."
_REFUSED = {
    "balance": N_("The panel refused the balance request."),
    "services": N_("The panel refused the service list request."),
    "status": N_("The panel refused the order status request."),
    "multiStatus": N_("The panel refused the order status request."),
    "refill_status": N_("The panel refused the refill status request."),
    "cancel": N_("The panel refused the cancel request."),
    "refill": N_("The panel refused the refill request."),
}
# A write whose result is unknown, by action; {problem} is the sentence saying what broke.
_UNKNOWN_RESULT = {
    "cancel": N_(
        "{problem} smmdesk cannot tell whether the panel received the cancel request, and did "
        "not send it again. Refresh the orders to see their real state."
    ),
    "refill": N_(
        "{problem} smmdesk cannot tell whether the panel received the refill request, and did "
        "not send it again. Refresh the orders to see their real state."
    ),
}
_UNKNOWN_OTHER = N_(
    "{problem} smmdesk cannot tell whether the panel received the request, and did not send "
    "it again. Refresh the orders to see their real state."
)
# A malformed id, by the kind of id (the field's name stays the program's: "order").
_NOT_AN_ID = {
    "order": N_("{value} is not a valid order id."),
    "service": N_("{value} is not a valid service id."),
    "refill": N_("{value} is not a valid refill id."),
}


def unknown_add_text(problem: str) -> str:
    """``problem`` (a sentence saying what broke) followed by what an unknown add means."""
    # Translators: {problem} is a sentence saying what broke; {advice} is the long
    # explanation that the order was not sent again and what to check.
    return _("{problem} {advice}").format(
        problem=problem, advice=_(AddOutcomeUnknown.default_message)
    )


def explained(action: str, exc: SmmdeskError) -> SmmdeskError:
    """``exc`` in the words of ``action``: a refused balance or status request is not about
    "the order's fields", and a balance or catalog "not found" means a wrong address."""
    refused = _REFUSED.get(action)
    if refused is None or type(exc) not in (BadRequest, NotFound):
        return exc
    if action in ("balance", "services") and isinstance(exc, NotFound):
        replaced: SmmdeskError = InvalidResponse(
            _(NOT_AN_API), panel_message=exc.panel_message, status_code=exc.status_code
        )
    elif isinstance(exc, BadRequest) and exc.user_message in (
        BadRequest.default_message,
        _(BadRequest.default_message),
    ):
        replaced = BadRequest(
            _(refused),
            panel_message=exc.panel_message,
            status_code=exc.status_code,
        )
    else:
        return exc
    return replaced


def unknown_result(action: str, what: str) -> str:
    return _(_UNKNOWN_RESULT.get(action, _UNKNOWN_OTHER)).format(problem=what)


def one_id(value: object, field: str) -> str:
    ident = parse.to_id(value if isinstance(value, str) else str(value))
    if ident is None:
        text = _NOT_AN_ID.get(field, N_("{value} is not a valid id."))
        raise ValidationError([FieldProblem(field, _(text).format(value=repr(value)))])
    return ident


def ids(values: Iterable[object], field: str) -> list[str]:
    """Ids as strings, each once, in the order given."""
    return list(dict.fromkeys(one_id(v, field) for v in values))
