"""Panel API v2 constants shared by the client (smmdesk.core) and the demo panel.

Nothing here does I/O or imports anything of smmdesk: both sides of the protocol read it.
"""

from __future__ import annotations

import re

API_PATH = "/api/v2"
MULTI_STATUS_MAX = 100  # ids per multiStatus / cancel / refill batch call
DEFAULT_RATE_LIMIT = 1000  # requests per minute per client, the reference panel's policy
RATE_WINDOW_SECONDS = 60.0

# --- statuses --------------------------------------------------------------------------
PENDING = "Pending"
IN_PROGRESS = "In progress"
PARTIAL = "Partial"
COMPLETED = "Completed"
CANCELED = "Canceled"
FAILED = "Failed"
UNKNOWN = "Unknown"  # a spelling never seen before: keep the raw text, keep refreshing

CANONICAL_STATUSES = (PENDING, IN_PROGRESS, PARTIAL, COMPLETED, CANCELED, FAILED)
FINAL_STATUSES = frozenset({PARTIAL, COMPLETED, CANCELED, FAILED})

_STATUS_SPELLINGS = {
    "pending": PENDING,
    "awaiting": PENDING,
    "inprogress": IN_PROGRESS,
    "processing": IN_PROGRESS,
    "active": IN_PROGRESS,
    "partial": PARTIAL,
    "partiallycompleted": PARTIAL,
    "completed": COMPLETED,
    "complete": COMPLETED,
    "done": COMPLETED,
    "success": COMPLETED,
    "canceled": CANCELED,
    "cancelled": CANCELED,
    "refunded": CANCELED,
    "failed": FAILED,
    "rejected": FAILED,
    "fail": FAILED,
    "error": FAILED,
}


def squash(text: str) -> str:
    """Lower-case ``text`` and drop everything but letters and digits.

    ``"Custom Comments"``, ``"custom_comments"`` and ``"CUSTOM-COMMENTS"`` all become
    ``"customcomments"``; ``"In progress"`` and ``"inprogress"`` become ``"inprogress"``.
    """
    return re.sub(r"[^0-9a-z]", "", text.lower())


def canonical_status(raw: object) -> str:
    """Map a panel's status spelling to one of CANONICAL_STATUSES, or UNKNOWN."""
    if not isinstance(raw, str):
        return UNKNOWN
    return _STATUS_SPELLINGS.get(squash(raw), UNKNOWN)


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


# --- order types (catalog ``type``) ----------------------------------------------------
# Canonical display names. smmdesk.core.ordertypes holds what each type takes; the demo
# panel validates with the same names. Match with type_key(), never with ==.
DEFAULT = "Default"
SEO = "SEO"
CUSTOM_COMMENTS = "Custom Comments"
CUSTOM_COMMENTS_PACKAGE = "Custom Comments Package"
PACKAGE = "Package"
POLL = "Poll"
INVITES_FROM_GROUPS = "Invites from Groups"
SUBSCRIPTIONS = "Subscriptions"
MENTIONS = "Mentions"
MENTIONS_WITH_HASHTAGS = "Mentions with Hashtags"
MENTIONS_CUSTOM_LIST = "Mentions Custom List"
MENTIONS_HASHTAG = "Mentions Hashtag"
MENTIONS_USER_FOLLOWERS = "Mentions User Followers"
MENTIONS_MEDIA_LIKERS = "Mentions Media Likers"
COMMENT_LIKES = "Comment Likes"
WEB_TRAFFIC = "Web Traffic"

ORDER_TYPES = (
    DEFAULT,
    SEO,
    CUSTOM_COMMENTS,
    CUSTOM_COMMENTS_PACKAGE,
    PACKAGE,
    POLL,
    INVITES_FROM_GROUPS,
    SUBSCRIPTIONS,
    MENTIONS,
    MENTIONS_WITH_HASHTAGS,
    MENTIONS_CUSTOM_LIST,
    MENTIONS_HASHTAG,
    MENTIONS_USER_FOLLOWERS,
    MENTIONS_MEDIA_LIKERS,
    COMMENT_LIKES,
    WEB_TRAFFIC,
)

_TYPE_ALIASES = {
    "seokeywords": SEO,
    "keywords": SEO,
    "customcommentspackages": CUSTOM_COMMENTS_PACKAGE,
    "subscription": SUBSCRIPTIONS,
    "invitesfromgroup": INVITES_FROM_GROUPS,
    "mentionswithhashtag": MENTIONS_WITH_HASHTAGS,
    "commentlike": COMMENT_LIKES,
}
_TYPES_BY_KEY = {squash(name): name for name in ORDER_TYPES} | _TYPE_ALIASES


def canonical_type(raw: object) -> str | None:
    """The canonical name of a catalog ``type``, or None when the type is unknown."""
    if not isinstance(raw, str):
        return None
    return _TYPES_BY_KEY.get(squash(raw))


# Charges are computed exactly, then rounded to this step (the reference shows 5 places).
CHARGE_PLACES = 5

# Error texts that mean "the panel does not know this id" (compared squashed): per-id errors
# in batch answers, and whole answers mapped to NotFound.
_NOT_FOUND_MARKERS = (
    "incorrectorder",
    "invalidorderid",
    "incorrectservice",
    "invalidserviceid",
    "incorrectrefill",
    "invalidrefillid",
    "unknownorder",
    "unknownservice",
    "notfound",
    "doesnotexist",
)


def means_not_found(message: str) -> bool:
    """True for "Incorrect order ID", "Incorrect refill ID", "Not found" and the like."""
    text = squash(message)
    return any(marker in text for marker in _NOT_FOUND_MARKERS)
