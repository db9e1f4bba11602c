"""What an operation changed, told to whoever listens: the Desk's event hub (no Qt here).

Every Desk write publishes one ``Changed`` value on ``desk.events`` (a ``Hub``) saying what
it touched, so each view redraws only its part (Anki's OpChanges, Electrum's named events).
The GUI has one bridge (``smmdesk.ui.events.DeskEvents``) that turns them into Qt signals;
the CLI and the tests may subscribe a plain function.

    desk.events.subscribe(callback)     # callback(changed: Changed), called synchronously
    desk.events.unsubscribe(callback)
    desk.events.publish(Changed(orders_changed=(12,)))

A subscriber that raises is logged and the others are still told. Subscribers run on the
publishing thread: the Desk's (the event loop's) one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smmdesk.core.refresh import Changes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changed:
    """What one operation (or several, merged) changed.

    ``panels``: a panel was added, edited or removed. ``balances`` / ``catalogs``: names of
    the panels whose balance was read / whose catalog was fetched again. ``orders_added``:
    local ids of new orders (placed, tracked, imported, even when their fate is unknown).
    ``orders_changed``: local ids of orders whose row changed. ``imports``: an import or one
    of its rows changed. ``business``: sales, customers, markups or grouping choices.
    ``refresh_started``: a status refresh began. ``refresh``: what a status refresh (or a
    webhook post) found, the refresh engine's own ``Changes`` (its orders and balances are
    in the fields above too). ``everything``: the order book was replaced (a restore).
    """

    panels: bool = False
    balances: frozenset[str] = frozenset()
    catalogs: frozenset[str] = frozenset()
    orders_added: tuple[int, ...] = ()
    orders_changed: tuple[int, ...] = ()
    imports: bool = False
    business: bool = False
    refresh_started: bool = False
    refresh: Changes | None = field(default=None, compare=False)
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.panels
            or self.balances
            or self.catalogs
            or self.orders_added
            or self.orders_changed
            or self.imports
            or self.business
            or self.refresh_started
            or self.refresh is not None
            or self.everything
        )

    @classmethod
    def of_orders(cls, added: Iterable[int] = (), changed: Iterable[int] = ()) -> Changed:
        return cls(orders_added=_ids(added), orders_changed=_ids(changed))

    @classmethod
    def from_refresh(cls, changes: Changes) -> Changed:
        """A refresh run's (or a webhook post's) Changes, published through the hub."""
        return cls(
            balances=frozenset(changes.balances),
            orders_changed=tuple(sorted(changes.changed | changes.lost)),
            refresh=changes,
        )

    def merge(self, other: Changed) -> Changed:
        """Both together (ids in first-seen order; refresh results merged)."""
        refresh = self.refresh
        if other.refresh is not None:
            refresh = other.refresh if refresh is None else refresh.merge(other.refresh)
        return Changed(
            panels=self.panels or other.panels,
            balances=self.balances | other.balances,
            catalogs=self.catalogs | other.catalogs,
            orders_added=_ids(self.orders_added + other.orders_added),
            orders_changed=_ids(self.orders_changed + other.orders_changed),
            imports=self.imports or other.imports,
            business=self.business or other.business,
            refresh_started=self.refresh_started or other.refresh_started,
            refresh=refresh,
            everything=self.everything or other.everything,
        )


def _ids(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(ids))


Subscriber = Callable[[Changed], object]


class Hub:
    """Subscribers told of every ``Changed`` published, in the order they subscribed."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self.closed = False  # its Desk is closed: nothing is told any more

    def close(self) -> None:
        """Forget every subscriber; what they gathered is about a closed Desk."""
        self.closed = True
        self._subscribers.clear()

    def subscribe(self, callback: Subscriber) -> None:
        if callback not in self._subscribers:
            self._subscribers.append(callback)

    def unsubscribe(self, callback: Subscriber) -> None:
        """Stop telling ``callback`` (nothing happens when it was not subscribed)."""
        with contextlib.suppress(ValueError):
            self._subscribers.remove(callback)

    def publish(self, changed: Changed) -> None:
        """Tell every subscriber (nothing when ``changed`` says nothing). One that raises is
        logged as a bug; the others are told all the same."""
        if not changed or self.closed:
            return
        for callback in list(self._subscribers):
            try:
                callback(changed)
            except Exception:
                log.exception("A subscriber to the Desk's events failed: %r", callback)

    def __len__(self) -> int:
        return len(self._subscribers)
