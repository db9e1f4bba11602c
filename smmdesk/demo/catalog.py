"""The demo panel's service catalog: 18 services, one or more of every order type.

Ids are strings, rates are per 1000 units unless the service is flat-priced (the package
types, where the rate is the price of one order). Service 18 has a type smmdesk does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from smmdesk import protocol as p

from .dialects import PROFILES, REFERENCE, Profile


@dataclass(frozen=True)
class Service:
    id: str
    type: str  # the catalog's text; protocol.canonical_type() reads it
    name: str
    category: str
    rate_text: str  # as the catalog shows it ("0.90")
    min: int
    max: int
    dripfeed: bool = False
    refill: bool = False
    cancel: bool = False

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_text)

    @property
    def kind(self) -> str | None:
        """The canonical type name, or None for a type smmdesk does not know."""
        return p.canonical_type(self.type)

    @property
    def flat(self) -> bool:
        """True when the rate is the price of the whole order (package types)."""
        return self.kind in (p.PACKAGE, p.CUSTOM_COMMENTS_PACKAGE)

    def answer(self, profile: Profile = PROFILES[REFERENCE]) -> dict[str, object]:
        """This service as the `services` action of a panel speaking ``profile`` lists it."""
        answer: dict[str, object] = {
            "service": self.id,
            "name": self.name,
            "type": re.sub(r"[^0-9a-z]+", "_", self.type.lower())
            if profile.snake_case_types
            else self.type,
            "rate": self.rate_text,
            "min": str(self.min),
            "max": str(self.max),
            "category": self.category,
        }
        if profile.catalog_flags:
            answer.update(dripfeed=self.dripfeed, refill=self.refill, cancel=self.cancel)
        if profile.catalog_desc:
            answer["desc"] = f"{self.name}. Start: 0-6 hours. Speed: up to 5K/day."
        return answer


_IG_MENTIONS = "Instagram Mentions"

SERVICES: tuple[Service, ...] = (
    Service("1", p.DEFAULT, "Instagram Followers [Real, Refill 30d]", "Instagram Followers",
            "0.90", 50, 10000, dripfeed=True, refill=True, cancel=True),
    Service("2", p.DEFAULT, "Instagram Likes [Fast]", "Instagram Likes",
            "0.35", 10, 50000, cancel=True),
    Service("3", p.SEO, "Google Keyword Traffic", "Website Traffic", "2.10", 100, 10000),
    Service("4", p.CUSTOM_COMMENTS, "Instagram Custom Comments", "Instagram Comments",
            "8", 10, 1500, cancel=True),
    Service("5", p.CUSTOM_COMMENTS_PACKAGE, "Instagram 10 Custom Comments Package",
            "Instagram Comments", "12.50", 1, 1),
    Service("6", p.PACKAGE, "YouTube Starter Package", "YouTube", "25.00", 1, 1),
    Service("7", p.POLL, "Twitter Poll Votes", "Twitter", "1.20", 100, 100000, cancel=True),
    Service("8", p.INVITES_FROM_GROUPS, "Telegram Members from Groups", "Telegram",
            "3.00", 100, 20000, refill=True, cancel=True),
    Service("9", p.SUBSCRIPTIONS, "Instagram Auto Comments (per post)", "Instagram Comments",
            "5.00", 10, 100, cancel=True),
    Service("10", p.MENTIONS, "Instagram Mentions", _IG_MENTIONS, "4.00", 100, 10000),
    Service("11", p.MENTIONS_WITH_HASHTAGS, "Instagram Mentions + Hashtags", _IG_MENTIONS,
            "4.50", 100, 10000),
    Service("12", p.MENTIONS_CUSTOM_LIST, "Instagram Mentions Custom List", _IG_MENTIONS,
            "6.00", 10, 1000),
    Service("13", p.MENTIONS_HASHTAG, "Instagram Mentions Hashtag", _IG_MENTIONS,
            "4.20", 100, 10000),
    Service("14", p.MENTIONS_USER_FOLLOWERS, "Instagram Mentions User Followers", _IG_MENTIONS,
            "4.40", 100, 10000),
    Service("15", p.MENTIONS_MEDIA_LIKERS, "Instagram Mentions Media Likers", _IG_MENTIONS,
            "4.60", 100, 10000),
    Service("16", p.COMMENT_LIKES, "Instagram Comment Likes", "Instagram Likes",
            "2.50", 20, 5000, cancel=True),
    Service("17", p.WEB_TRAFFIC, "Website Traffic [Worldwide]", "Website Traffic",
            "0.60", 500, 100000, dripfeed=True, cancel=True),
    Service("18", "Story Reactions", "Instagram Story Reactions", "Instagram Stories",
            "1.50", 50, 5000),
)  # fmt: skip
