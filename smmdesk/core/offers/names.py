"""Service names read as what they sell: platform, kind, refill days and the rest.

Panels name one service many ways: "Instagram Followers HQ [Refill 30D]",
"IG Followers - HQ | Refill 30D", "instagram followers (hq) R30". ``read_name`` turns each
into the same ``NameParts``: platform words (IG, Insta -> Instagram; YT -> YouTube; TG ->
Telegram ...) and kind words (Follows, Subs ...) are named one way, refill days are taken out
("Refill 30D", "30 days refill", "R30", "lifetime refill", "no refill"), brackets and
separators are dropped, and what is left (quality words: "hq", "real", "fast" ...) is the
``rest``, compared with a fuzzy score (smmdesk.core.offers.grouping).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from smmdesk.core.i18n import _

LIFETIME = 10_000  # refill days that stand for "lifetime"
# Raise when the reading rules change: names kept read by another version are read again.
NAMES_VERSION = 1

_PLATFORMS = {
    "Instagram": ("instagram", "ig", "insta", "инстаграм"),
    "YouTube": ("youtube", "yt", "ytb"),
    "Telegram": ("telegram", "tg", "tele"),
    "TikTok": ("tiktok", "tik tok", "tt"),
    "Facebook": ("facebook", "fb"),
    "Twitter": ("twitter", "x twitter", "tw"),
    "Spotify": ("spotify",),
    "Twitch": ("twitch",),
    "SoundCloud": ("soundcloud",),
    "LinkedIn": ("linkedin",),
    "Threads": ("threads",),
    "Discord": ("discord",),
    "Pinterest": ("pinterest",),
    "Reddit": ("reddit",),
    "Website": ("website", "web", "site", "google"),
}
_KINDS = {
    "Followers": ("followers", "follower", "follows", "follow"),
    "Likes": ("likes", "like", "hearts"),
    "Views": ("views", "view", "plays", "play", "watch"),
    "Comments": ("comments", "comment"),
    "Subscribers": ("subscribers", "subscriber", "subs", "sub"),
    "Members": ("members", "member", "joins"),
    "Shares": ("shares", "share", "reposts", "repost", "retweets", "retweet"),
    "Saves": ("saves", "save"),
    "Reactions": ("reactions", "reaction"),
    "Votes": ("votes", "vote", "poll"),
    "Mentions": ("mentions", "mention"),
    "Traffic": ("traffic", "visits", "visitors"),
    "Impressions": ("impressions", "impression", "reach"),
}
# Quality words spelled several ways, read as one.
_SYNONYMS = {
    "high quality": "hq",
    "highquality": "hq",
    "low quality": "lq",
    "premium": "premium",
    "instant start": "instant",
    "non drop": "nondrop",
    "no drop": "nondrop",
    "worldwide": "ww",
    "usa": "us",
    "united states": "us",
    "mix": "mixed",
}


@dataclass(frozen=True)
class NameParts:
    platform: str | None  # "Instagram", None when the name and category say nothing
    kind: str | None  # "Followers"
    refill_days: int | None  # 30, 0 for "no refill", LIFETIME, None when not said
    rest: str  # the other words, lower case, one space apart, in name order

    @property
    def label(self) -> str:
        """A readable name for the group: "Instagram Followers · hq · Refill 30D"."""
        # Translators: the name of a group of services whose platform and kind are unknown.
        head = " ".join(p for p in (self.platform, self.kind) if p) or _("Other")
        parts = [head]
        if self.rest:
            parts.append(
                " ".join(w.upper() if len(w) <= 2 else w.capitalize() for w in self.rest.split())
            )
        if self.refill_days == LIFETIME:
            parts.append(_("Refill lifetime"))
        elif self.refill_days == 0:
            parts.append(_("No refill"))
        elif self.refill_days:
            # Translators: a refill guarantee of {days} days, short as in service names.
            parts.append(_("Refill {days}D").format(days=self.refill_days))
        return " · ".join(parts)


def _lookup(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {spelling: name for name, spellings in words.items() for spelling in spellings}


_PLATFORM_OF = _lookup(_PLATFORMS)
_KIND_OF = _lookup(_KINDS)
# Spellings of two words, read as one word before the words are looked up.
_PAIRS = {w: w.replace(" ", "") for w in (*_PLATFORM_OF, *_SYNONYMS) if " " in w} | {
    "tik tok": "tiktok",
    "x twitter": "twitter",
}
_SYNONYM_OF = {w.replace(" ", ""): v for w, v in _SYNONYMS.items()}
_PLATFORM_OF = {w.replace(" ", ""): v for w, v in _PLATFORM_OF.items()}
_REFILL_HINT_RE = re.compile(r"refill|guarant|lifetime|life time|forever|\bnr\b|\br\d")
_NO_REFILL_RE = re.compile(r"\b(no|non|without)[\s-]*refill\b|\bnr\b")
_LIFETIME_RE = re.compile(r"\b(lifetime|life\s*time|forever)\s*(refill|guarantee)?\b")
_REFILL_DAYS_RE = re.compile(
    r"\brefill\s*[:=-]?\s*(\d{1,4})\s*(?:d|days?)?\b"
    r"|\b(\d{1,4})\s*(?:d|days?)\s*(?:auto\s*)?refill\b"
    r"|\br(\d{1,4})\b"
    r"|\b(\d{1,4})\s*(?:d|days?)\s*(?:guarantee|guaranteed)\b"
)
_REFILL_WORD_RE = re.compile(r"\b(auto\s*)?refill(able)?\b|\bguarantee[d]?\b")
_SEPARATORS_RE = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=65536)
def read_name(name: str, category: str = "") -> NameParts:
    """The parts of a service name; the category fills in a platform or kind the name lacks."""
    text = _SEPARATORS_RE.sub(" ", name.casefold())
    refill_days = None
    if _REFILL_HINT_RE.search(text):
        refill_days, text = _refill(text)
    platform, kind, rest = _words(text)
    if platform is None or kind is None:
        in_category = _words(_SEPARATORS_RE.sub(" ", category.casefold()))
        platform = platform or in_category[0]
        kind = kind or in_category[1]
    return NameParts(platform, kind, refill_days, " ".join(rest))


def _words(text: str) -> tuple[str | None, str | None, list[str]]:
    """The platform, the kind (the first kind word, or the last of the first run of them:
    "comment likes" are likes, "mentions of user followers" are mentions) and the other
    words of ``text``, synonyms read as one."""
    words = text.split()
    platform = kind = kind_word = previous = None
    rest = []
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and (pair := f"{word} {words[i + 1]}") in _PAIRS:
            word, i = _PAIRS[pair], i + 1
        i += 1
        if word in _PLATFORM_OF:
            platform = platform or _PLATFORM_OF[word]
        elif word in _KIND_OF and (kind is None or previous == kind_word):
            if kind_word is not None:  # "comment likes": the comment tells which likes
                rest.append(kind_word)
            kind, kind_word = _KIND_OF[word], word
        else:
            rest.append(_SYNONYM_OF.get(word, word))
        previous = word
    return platform, kind, rest


def _refill(text: str) -> tuple[int | None, str]:
    days: int | None = None
    if _NO_REFILL_RE.search(text):
        days, text = 0, _NO_REFILL_RE.sub(" ", text)
    elif _LIFETIME_RE.search(text):
        days, text = LIFETIME, _LIFETIME_RE.sub(" ", text)
    else:
        found = _REFILL_DAYS_RE.search(text)
        if found is not None:
            days = int(next(g for g in found.groups() if g is not None))
            text = _REFILL_DAYS_RE.sub(" ", text)
    return days, _REFILL_WORD_RE.sub(" ", text)
