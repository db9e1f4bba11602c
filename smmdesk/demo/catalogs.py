"""Other demo panels' catalogs: the same services as the demo catalog under other names,
ids, categories and prices, so comparing panels can be tried without an account.

"rival" is cheaper on followers and likes, spells types in snake_case and names services
the short way ("IG Followers - HQ | Refill 30D"); "budget" is cheapest on followers but
dearer elsewhere, and writes refill days as "R30". Each also sells services the others
don't. ``CATALOGS`` names every catalog a demo panel can serve (``--catalog NAME``).
"""

from __future__ import annotations

from smmdesk import protocol as p

from .catalog import SERVICES, Service

RIVAL: tuple[Service, ...] = (
    Service("101", "default", "IG Followers - Real | Refill 30D", "IG - Followers",
            "0.75", 100, 20000, dripfeed=True, refill=True, cancel=True),
    Service("102", "default", "IG Followers - HQ | Refill 30D", "IG - Followers",
            "1.10", 50, 15000, refill=True),
    Service("103", "default", "IG Likes | Fast", "IG - Likes", "0.29", 20, 30000, cancel=True),
    Service("104", "invites_from_groups", "TG Members (from groups)", "TG",
            "3.40", 100, 10000, refill=True),
    Service("105", "custom_comments", "IG Custom Comments", "IG - Comments",
            "7.50", 10, 1000, cancel=True),
    Service("106", "web_traffic", "Web Traffic - Worldwide", "Traffic",
            "0.55", 500, 50000, dripfeed=True, cancel=True),
    Service("107", "default", "YT Views | Lifetime Refill", "YT - Views", "1.90", 500, 100000,
            refill=True),
    Service("108", "poll", "Twitter - Poll Votes", "Twitter", "1.50", 100, 50000),
)  # fmt: skip

BUDGET: tuple[Service, ...] = (
    Service("7001", p.DEFAULT, "Instagram Followers Real R30", "Instagram",
            "0.69", 50, 5000, dripfeed=True, refill=True, cancel=True),
    Service("7002", p.DEFAULT, "Instagram Followers HQ [Refill 30D]", "Instagram",
            "0.98", 100, 10000, refill=True),
    Service("7003", p.DEFAULT, "Instagram Likes - Fast", "Instagram", "0.41", 10, 20000,
            cancel=True),
    Service("7004", p.WEB_TRAFFIC, "Website Traffic (Worldwide)", "Website",
            "0.70", 1000, 100000, dripfeed=True, cancel=True),
    Service("7005", p.DEFAULT, "TikTok Likes [Instant]", "TikTok", "0.80", 100, 50000),
    Service("7006", p.DEFAULT, "YouTube Views [Lifetime Refill]", "YouTube", "2.20", 1000,
            100000, refill=True),
)  # fmt: skip

CATALOGS: dict[str, tuple[Service, ...]] = {"demo": SERVICES, "rival": RIVAL, "budget": BUDGET}
