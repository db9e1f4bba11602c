"""Dialect profiles of the demo panel: each is as strict as the panels it stands for.

| profile       | stands for                      | batch status          | errors            |
|---------------|---------------------------------|-----------------------|-------------------|
| reference     | reference/panel-api-v2.txt,     | multiStatus only;     | real 4xx codes,   |
|               | read literally (the default)    | status needs `order`  | {"error": ...}    |
| perfectpanel  | the common "API v2" panels      | status&orders only    | 200 + {"error"}   |
| smartpanel    | the SmartPanel script family    | status&orders only    | 200 + {"error"} / |
|               | (its real behaviour included)   |                       | {"status":"error"}|

What else differs (each a field of ``Profile``; the table in design.md names the sources):
where the API lives (SmartPanel: /api/v1, and /api/v2 answers an HTML 403), the wording of
a wrong key and of an unknown action, whether `cancel` exists, whether `refill` and
`refill_status` take batches, how list fields are split (lines only, or commas too for
keywords), the `expiry` date format, subscriptions by API (refused with 400 / accepted /
"Bad Link"), `quantity` required for every type but custom comments, drip-feed bounds
checked on runs x quantity, fields URL-decoded twice and stripped of HTML, the catalog's
shape (wrapped in {"status":"success","data":...}, snake_case types, no refill/cancel keys,
`desc`), pending orders showing remains "0", the panel's own error state shown as Pending,
and drip-feed orders answering {status, runs, orders} without a charge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

REFERENCE = "reference"
PERFECTPANEL = "perfectpanel"
SMARTPANEL = "smartpanel"
NOBATCH = "nobatch"  # no batch status call at all: smmdesk's last resort, one per order


@dataclass(frozen=True)
class Profile:
    name: str
    api_path: str = "/api/v2"
    other_api_forbidden: bool = False  # another /api/... path answers an HTML 403
    multi_status_action: bool = True  # action=multiStatus&orders= (else status&orders=)
    status_takes_orders: bool = False  # action=status&orders= answers a batch
    http_errors: bool = True  # refusals carry their 4xx code (else HTTP 200)
    wrong_key: str = "Invalid API key"
    unknown_action: str = "Unsupported action"  # + ": NAME ..." on the reference
    has_cancel: bool = True
    cancel_takes_order: bool = False  # cancel&order= (the reference takes orders= only)
    refill_batch: bool = True
    refill_status_batch: bool = True
    keywords_commas: bool = True  # keywords split on commas too (else lines only)
    expiry_format: str = "%Y-%m-%d"
    expiry_example: str = "2030-12-31 (YYYY-MM-DD)"
    subscriptions: str = "refused"  # "refused" (400, site only) | "accepted" | "bad_link"
    quantity_always: bool = False  # quantity required for every type but Custom Comments
    dripfeed_total_bounds: bool = False  # min/max checked on runs x quantity
    decodes_twice: bool = False  # fields URL-decoded a second time ("+" -> " ")
    strips_html: bool = False  # PHP strip_tags() on every field
    wraps_catalog: bool = False  # {"status": "success", "data": [...]}
    snake_case_types: bool = False
    catalog_flags: bool = True  # the catalog says refill / cancel / dripfeed
    catalog_desc: bool = False  # the catalog carries `desc`
    pending_remains_zero: bool = False  # a Pending order shows remains "0"
    failed_as_pending: bool = False  # the panel's own error state is shown as Pending
    dripfeed_status_bare: bool = False  # drip-feed orders: {status, runs, orders}, no charge
    error_wrapper: bool = False  # add refusals as {"status": "error", "message": ...}

    def error_code(self, code: int) -> int:
        """The HTTP code a refusal with ``code`` is sent with."""
        return code if self.http_errors else 200

    def read_field(self, value: str) -> str:
        """A form field as this panel's code reads and checks it (after its own decoding)."""
        return unquote_plus(value) if self.decodes_twice else value

    def kept(self, value: str) -> str:
        """A checked field as this panel stores it (and delivers it)."""
        return strip_tags(value) if self.strips_html else value


def strip_tags(text: str) -> str:
    """What PHP's strip_tags() leaves: a ``<`` starts a tag up to ``>`` or the end."""
    return re.sub(r"<[^>]*(?:>|$)", "", text, flags=re.S)


PROFILES: dict[str, Profile] = {
    REFERENCE: Profile(REFERENCE),
    PERFECTPANEL: Profile(
        PERFECTPANEL,
        multi_status_action=False,
        status_takes_orders=True,
        http_errors=False,
        unknown_action="Incorrect request",
        cancel_takes_order=False,
        keywords_commas=False,
        expiry_format="%d/%m/%Y",
        expiry_example="31/12/2030 (d/m/Y)",
        subscriptions="accepted",
        catalog_desc=True,
    ),
    SMARTPANEL: Profile(
        SMARTPANEL,
        api_path="/api/v1",
        other_api_forbidden=True,
        multi_status_action=False,
        status_takes_orders=True,
        http_errors=False,
        wrong_key="API is Disable for this user or User Not Found!",
        unknown_action="This action is Invalid",
        has_cancel=False,
        refill_batch=False,
        refill_status_batch=False,
        keywords_commas=False,
        expiry_format="%d/%m/%Y",
        expiry_example="31/12/2030 (d/m/Y)",
        subscriptions="bad_link",
        quantity_always=True,
        dripfeed_total_bounds=True,
        decodes_twice=True,
        strips_html=True,
        wraps_catalog=True,
        snake_case_types=True,
        catalog_flags=False,
        catalog_desc=True,
        pending_remains_zero=True,
        failed_as_pending=True,
        dripfeed_status_bare=True,
        error_wrapper=True,
    ),
}
PROFILES[NOBATCH] = Profile(
    NOBATCH, multi_status_action=False, status_takes_orders=False, http_errors=False
)
DIALECTS = (REFERENCE, PERFECTPANEL, SMARTPANEL)  # the families panels come in


def profile(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown dialect {name!r}; choose one of {', '.join(PROFILES)}") from None
