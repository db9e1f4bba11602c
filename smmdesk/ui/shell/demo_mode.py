"""``smmdesk --demo``: the program on the built-in demo panel, with nothing of the user's.

A ``DemoSession`` starts one ``DemoPanel`` per dialect profile in this process (their own
threads), makes a throw-away data folder, and keeps the demo's API keys in ``MemoryKeyring``:
a keyring backend in memory (demo keys are not secrets, and the demo must work on a computer
without a system keyring). ``add_demo_panels`` adds "Demo panel" (the reference document,
USD), "Demo panel EUR" (a Perfect-Panel-like panel, nearly out of funds so the low-balance
warning shows), "Demo SmartPanel" (the SmartPanel family: no cancel, refill one by one) and
"Rival panel" (Perfect-Panel-like); the SmartPanel and the rival sell the demo's services
under other names, ids and prices (smmdesk.demo.catalogs), so comparing panels can be tried;
``make_history`` places orders of several types through the real API and moves the panels'
clocks between them, so the first refresh shows every kind of status. ``stop`` stops the
panels and deletes the folder.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from smmdesk.core.desk import Desk
from smmdesk.core.secrets import KeyStore, MemoryKeyring
from smmdesk.core.settings import Settings
from smmdesk.demo.dialects import PERFECTPANEL, REFERENCE, SMARTPANEL
from smmdesk.demo.server import DemoPanel

MAIN_PANEL = "Demo panel"
EUR_PANEL = "Demo panel EUR"
SMART_PANEL = "Demo SmartPanel"
RIVAL_PANEL = "Rival panel"
# name -> (dialect, catalog) of each demo panel
DEMO_PANELS = {
    MAIN_PANEL: (REFERENCE, "demo"),
    EUR_PANEL: (PERFECTPANEL, "demo"),
    SMART_PANEL: (SMARTPANEL, "budget"),
    RIVAL_PANEL: (PERFECTPANEL, "rival"),
}
# Panel minutes per real second: slow enough to watch orders move, fast enough to see it.
DEMO_CLOCK_SPEED = 2.0
EUR_BALANCE = Decimal("48.00")
DEMO_THRESHOLD = Decimal("50")

_COMMENTS = "\n".join(
    ("Love it!", "So good", "Where is this?", "Need this now", "Best in town", "Yum",
     "Saving this", "Great shot", "Tag a friend", "Open on Sundays?")
)  # fmt: skip
_USERNAMES = "\n".join(f"@friend.{n}" for n in range(1, 13))

# (panel, service id, fields, panel minutes to advance after placing it). The link hints
# "#partial" / "#cancel" make the demo panel end those orders that way.
_HISTORY: tuple[tuple[str, str, dict[str, str], float], ...] = (
    (MAIN_PANEL, "1", {"link": "https://instagram.com/sunrise.bakery", "quantity": "1000"}, 0),
    (MAIN_PANEL, "4", {"link": "https://instagram.com/p/CxLaunchDay",
                       "comments": _COMMENTS}, 0),
    (MAIN_PANEL, "6", {"link": "https://youtube.com/@sunrisebakery"}, 0),
    (MAIN_PANEL, "2", {"link": "https://instagram.com/p/CxSummerSale#partial",
                       "quantity": "2500"}, 0),
    (MAIN_PANEL, "7", {"link": "https://twitter.com/bakery/status/1790#cancel",
                       "quantity": "500", "answer_number": "2"}, 400),
    (MAIN_PANEL, "3", {"link": "https://sunrise-bakery.example", "quantity": "800",
                       "keywords": "best bakery, fresh bread"}, 0),
    (MAIN_PANEL, "8", {"link": "https://t.me/sunrisebakery", "quantity": "300",
                       "groups": "breadlovers\nbakinghub"}, 0),
    (MAIN_PANEL, "17", {"link": "https://sunrise-bakery.example/menu", "quantity": "5000",
                        "country": "US", "device": "4", "type_of_traffic": "3"}, 30),
    (MAIN_PANEL, "12", {"link": "https://instagram.com/p/CxGiveaway",
                        "usernames": _USERNAMES}, 0),
    (MAIN_PANEL, "18", {"link": "https://instagram.com/stories/sunrise.bakery",
                        "quantity": "200"}, 0),
    (EUR_PANEL, "2", {"link": "https://instagram.com/p/CxCafeOpening", "quantity": "5000"}, 0),
    (EUR_PANEL, "16", {"link": "https://instagram.com/p/CxCafeOpening", "quantity": "300",
                       "username": "cafe.fan"}, 0),
    (SMART_PANEL, "7001", {"link": "https://instagram.com/corner.cafe", "quantity": "500"}, 0),
    (SMART_PANEL, "7003", {"link": "https://instagram.com/p/CxCorner", "quantity": "300"}, 0),
    (RIVAL_PANEL, "103", {"link": "https://instagram.com/p/CxSunrise2", "quantity": "1000"}, 0),
    (RIVAL_PANEL, "101", {"link": "https://instagram.com/sunrise.bakery", "quantity": "500"}, 0),
)  # fmt: skip


# The order the demo's form shows filled in, ready to place: (service id, fields).
EXAMPLE_ORDER = ("1", {"link": "https://instagram.com/sunrise.bakery", "quantity": "2500"})


@dataclass
class DemoSession:
    """Running demo panels (one per dialect, by the name they get in smmdesk), their
    accounts' keys, a throw-away data folder and the in-memory keys."""

    panels: dict[str, DemoPanel]
    folder: Path
    keys: KeyStore
    accounts: dict[str, str] = field(default_factory=dict)  # panel name -> its API key

    @classmethod
    def start(cls, *, clock_speed: float = DEMO_CLOCK_SPEED) -> DemoSession:
        panels = {
            name: DemoPanel(clock_speed=clock_speed, dialect=dialect, catalog=catalog)
            for name, (dialect, catalog) in DEMO_PANELS.items()
        }
        for panel in panels.values():
            panel.start()
        folder = Path(tempfile.mkdtemp(prefix="smmdesk-demo-"))
        session = cls(panels, folder, KeyStore(backend=MemoryKeyring()))
        session.accounts = {name: panel.key for name, panel in panels.items()}
        eur = panels[EUR_PANEL].add_account(balance=EUR_BALANCE, currency="EUR")
        session.accounts[EUR_PANEL] = eur
        Settings.load(folder).update(balance_threshold=DEMO_THRESHOLD).save()
        return session

    @property
    def panel(self) -> DemoPanel:
        """The main demo panel (the reference dialect)."""
        return self.panels[MAIN_PANEL]

    def orders(self) -> list[dict[str, object]]:
        """Every order of the demo accounts, on every demo panel."""
        return [o for n, p in self.panels.items() for o in p.orders(self.accounts[n])]

    def stop(self) -> None:
        """Stop the panels and delete the throw-away folder (safe to call twice)."""
        for panel in self.panels.values():
            panel.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


async def add_demo_panels(desk: Desk, session: DemoSession) -> None:
    """Add the demo accounts: one panel of each dialect."""
    for name, panel in session.panels.items():
        await desk.add_panel(name, panel.url, session.accounts[name])


async def make_history(desk: Desk, session: DemoSession) -> list[int]:
    """Place the demo orders (several types, through the API) and one subscription made on
    the panel's site and tracked; returns the local ids of the orders made."""
    made: list[int] = []
    for panel, service_id, values, minutes in _HISTORY:
        placed = await desk.place_order(panel, service_id, values, reference="demo")
        made.append(placed.order.id)
        if minutes:
            for served in session.panels.values():
                served.advance(minutes)
    site_id = session.panel.place_on_site(
        "9", {"username": "sunrise.bakery", "min": "20", "max": "40", "delay": "0", "posts": "3"}
    )
    tracked = await desk.track_orders(MAIN_PANEL, [site_id], reference="placed on the site")
    made.extend(order.id for order in tracked.orders)
    for name in session.panels:
        await desk.refresh_balance(name)
    return made
