"""The service catalog of the chosen panel: grouped by category, searched as you type,
sorted by clicking a column (rate, min, max ...), every service's terms in view.

The saved catalog shows at once; a missing or old one is fetched in the background
(``desk.catalog``). "Refresh" fetches it again and says what changed (new services, prices).

Signals of ``CatalogPane``:
    service_chosen(str, object)   the selected service changed (panel name, Service)
    order_requested()             the reseller wants to order it (double-click or Enter)
    message(str)                  a line for the status bar
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core import store
from smmdesk.core.api.models import Service
from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, left_to_right, ngettext
from smmdesk.core.service_info import (
    catalog_average_time,
    catalog_description,
    time_words,
)
from smmdesk.ui.catalog.model import (
    NAME,
    TYPE,
    CatalogFilter,
    CatalogModel,
    rate_text,
    type_text,
)
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.fit import ColumnFitter
from smmdesk.ui.jobs import Jobs

# How much of a service's name must always show: on real panels the end of a name
# ("[Server 3] HQ Real Refill 30d – 5K/day") is what tells services apart.
NAME_SAMPLE = "Instagram Followers [HQ] Real Refill 30d"  # 40 characters
TYPE_FLOOR = 70  # the Type column gives way first, down to this (elided, tooltip)
SHOW_CHOICES = (N_("All services"), N_("★ Favourites"), N_("Recently used"))
RECENT_KEPT = 10


class _Tree(QTreeView):
    """A tree where Enter on a service asks to order it."""

    activated_service = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated_service.emit()
            return
        super().keyPressEvent(event)


class CatalogPane(QWidget):
    service_chosen = Signal(str, object)
    order_requested = Signal()
    message = Signal(str)

    def __init__(self, desk: Desk, events: DeskEvents, jobs: Jobs, parent: QWidget | None = None):
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.panel = ""
        self._state: QSettings | None = None
        self.model = CatalogModel(self)
        self.proxy = CatalogFilter(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        events.catalog_changed.connect(self._catalog_changed)
        events.panels_changed.connect(self._panels_changed)

    def _build(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("serviceSearch")
        self.search.setPlaceholderText(_("Search services: name, id, type or category"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search services"))
        self.search.textChanged.connect(self._search)
        self.search.installEventFilter(self)
        self.grouped = QCheckBox(_("Group by category"), self)
        self.grouped.setChecked(True)
        self.grouped.toggled.connect(self._group)
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.refresh_button.setToolTip(_("Fetch this panel's catalog again (new services, prices)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.show_box = QComboBox(self)
        self.show_box.setObjectName("catalogShow")
        self.show_box.setAccessibleName(_("Which services to show"))
        self.show_box.addItems([_(choice) for choice in SHOW_CHOICES])
        self.show_box.currentIndexChanged.connect(lambda _i: self._show_which())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_box)
        top.addWidget(self.grouped)
        top.addWidget(self.refresh_button)
        self.tree = _Tree(self)
        self.tree.setObjectName("catalogTree")
        self.tree.setAccessibleName(_("Services"))
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.tree.setSortingEnabled(True)
        self.fitter = ColumnFitter(
            self.tree,
            priority={NAME: self.name_minimum()},
            shrinkable={TYPE: TYPE_FLOOR},
            yield_all=True,  # a whole name before a whole type
        )
        self.setMinimumWidth(self.name_minimum() + 120)  # the rest of the columns elide or scroll
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.favourite_action = QAction(_("Add to favourites"), self)
        self.favourite_action.setObjectName("action_favourite")
        self.favourite_action.setShortcut(QKeySequence("Ctrl+D"))
        self.favourite_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.favourite_action.triggered.connect(lambda _checked=False: self.toggle_favourite())
        self.addAction(self.favourite_action)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.doubleClicked.connect(self._double_clicked)
        self.tree.activated_service.connect(self._enter)
        self.details = QLabel(self)
        self.details.setObjectName("serviceDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)

    # --- favourites and recently used (remembered UI state, per panel) -------------------
    def use_state(self, state: QSettings) -> None:
        """Where favourites and recently used services are kept (the window-state file)."""
        self._state = state
        self.model.set_favourites(set(self.favourites()))

    def _ids(self, kind: str) -> list[str]:
        if self._state is None or not self.panel:
            return []
        value = self._state.value(f"catalog/{kind}/{self.panel}") or []
        return [str(v) for v in ([value] if isinstance(value, str) else value)]

    def _keep(self, kind: str, ids: list[str]) -> None:
        if self._state is not None and self.panel:
            self._state.setValue(f"catalog/{kind}/{self.panel}", ids)
            self._state.sync()

    def favourites(self) -> list[str]:
        return self._ids("favourites")

    def recent(self) -> list[str]:
        """Services ordered lately on this panel, the latest first."""
        return self._ids("recent")

    def toggle_favourite(self, service_id: str | None = None) -> bool:
        """Star the service (the chosen one by default), or unstar it; True when starred."""
        chosen = self.current_service()
        service_id = service_id or (chosen.id if chosen else None)
        if not service_id:
            return False
        ids = self.favourites()
        starred = service_id not in ids
        ids = [*ids, service_id] if starred else [i for i in ids if i != service_id]
        self._keep("favourites", ids)
        self.model.set_favourites(set(ids))
        self._show_which()
        self._update_favourite_action()
        return starred

    def note_used(self, panel: str, service_id: str) -> None:
        """An order of ``service_id`` was placed on ``panel``: it leads the recent list."""
        if panel != self.panel:
            return
        ids = [service_id, *(i for i in self.recent() if i != service_id)][:RECENT_KEPT]
        self._keep("recent", ids)
        self._show_which()

    def _show_which(self) -> None:
        which = self.show_box.currentIndex()
        ids = None if which == 0 else set(self.favourites() if which == 1 else self.recent())
        self.proxy.set_only(ids)
        self.tree.expandAll()

    def _update_favourite_action(self) -> None:
        chosen = self.current_service()
        self.favourite_action.setEnabled(chosen is not None)
        starred = chosen is not None and chosen.id in self.model.favourites
        self.favourite_action.setText(
            _("Remove from favourites") if starred else _("Add to favourites")
        )

    def _context_menu(self, at: QPoint) -> None:
        if self.proxy.service_at(self.tree.indexAt(at)) is None:
            return
        self.tree.setCurrentIndex(self.tree.indexAt(at))
        menu = QMenu(self)
        menu.setObjectName("catalogMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        order = menu.addAction(_("Order it"))
        order.triggered.connect(lambda _checked=False: self.order_requested.emit())
        menu.addAction(self.favourite_action)
        menu.popup(self.tree.viewport().mapToGlobal(at))

    def name_minimum(self) -> int:
        """The name column's least width: 40 characters of a typical name, plus the
        tree's indentation under a category."""
        return self.fontMetrics().horizontalAdvance(NAME_SAMPLE) + self.tree.indentation() + 16

    # --- which panel ---------------------------------------------------------------------
    def set_panel(self, name: str) -> None:
        """Show ``name``'s saved catalog now; fetch it in the background if missing or old."""
        self.panel = name
        self.model.set_favourites(set(self.favourites()))
        self._show_which()
        self._show_saved()
        if not name:
            return
        self._jobs.run(
            self._desk.catalog(name),
            # Translators: {panel} is a panel's name.
            _("Loading the catalog of {panel}").format(panel=name),
            on_done=lambda services, wanted=name: self._loaded(wanted, services),
        )

    def refresh(self) -> None:
        """Fetch the chosen panel's catalog again."""
        if not self.panel:
            return
        name = self.panel
        self._jobs.run(
            self._desk.refresh_catalog(name),
            _("Refreshing the catalog of {panel}").format(panel=name),
            on_done=lambda changes: self._refreshed(name, changes),
        )

    def current_service(self) -> Service | None:
        return self.proxy.service_at(self.tree.currentIndex())

    def select_service(self, service_id: str) -> bool:
        source = self.model.index_of(service_id)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the search field: Enter orders the first match (the form gets the focus),
        Down goes to the list."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.order_first_match()
                return True
            if key == Qt.Key.Key_Down:
                if not self.tree.currentIndex().isValid():
                    self.tree.setCurrentIndex(self._first_service())
                self.tree.setFocus()
                return True
        return super().eventFilter(watched, event)

    def order_first_match(self) -> None:
        """Choose the shown service (the first match when none is) and ask to order it."""
        if self.search.text().strip() or self.current_service() is None:
            first = self._first_service()
            if not first.isValid():
                self.message.emit(_("No service matches the search."))
                return
            self.tree.setCurrentIndex(first)
        self.order_requested.emit()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- loading -------------------------------------------------------------------------
    def _show_saved(self) -> None:
        try:
            panel = self._desk.panel(self.panel) if self.panel else None
        except SmmdeskError:  # removed meanwhile
            panel = None
        services = self._desk.read.load_catalog(panel.id) if panel else []
        self._show(services, (panel.currency or "") if panel else "")

    def _show(self, services: list[Service], currency: str) -> None:
        """Show ``services``, keeping the chosen one chosen while it is listed."""
        chosen = self.current_service()
        self.model.set_services(services, currency)
        self.tree.expandAll()
        if chosen is None or not self.select_service(chosen.id):
            self._show_details(None)
            self.service_chosen.emit(self.panel, None)

    def _loaded(self, wanted: str, services: list[Service]) -> None:
        """The background load ended: show what it brought, unless the saved catalog shown
        meanwhile is the same (a fresh catalog is not fetched: it was shown already)."""
        if wanted == self.panel and services != self.model.services():
            self._show(services, self.model.currency)

    def _refreshed(self, name: str, changes: store.CatalogChanges) -> None:
        """The Desk told the views of the new catalog; here, what changed in it."""
        added, removed = len(changes.added), len(changes.removed)
        repriced = len(changes.price_changes)
        parts = [
            # Translators: a number of services new in the catalog.
            ngettext("{count} new", "{count} new", added).format(count=format_integer(added)),
            # Translators: a number of services no longer in the catalog.
            ngettext("{count} gone", "{count} gone", removed).format(count=format_integer(removed)),
            ngettext("{count} price change", "{count} price changes", repriced).format(
                count=format_integer(repriced)
            ),
        ]
        # Translators: {panel} is a panel's name; {changes} lists what changed ("2 new,
        # 0 gone, 1 price change").
        text = _("Catalog of {panel} refreshed: {changes}.")
        self.message.emit(text.format(panel=name, changes=", ".join(parts)))

    def _catalog_changed(self, name: str) -> None:
        if name == self.panel:
            self._show_saved()

    def _panels_changed(self) -> None:
        if self.panel and not any(p.name == self.panel for p in self._desk.panels()):
            self.set_panel("")

    # --- the reseller's moves ------------------------------------------------------------
    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        self.tree.expandAll()
        if not self.tree.currentIndex().isValid():
            first = self._first_service()
            if first.isValid():
                self.tree.setCurrentIndex(first)

    def _group(self, grouped: bool) -> None:
        chosen = self.current_service()
        self.model.set_grouped(grouped)
        self.tree.setRootIsDecorated(grouped)
        self.tree.expandAll()
        if chosen is not None:
            self.select_service(chosen.id)

    def _first_service(self) -> QModelIndex:
        for row in range(self.proxy.rowCount()):
            top = self.proxy.index(row, 0)
            if self.proxy.service_at(top) is not None:
                return top
            if self.proxy.rowCount(top):
                return self.proxy.index(0, 0, top)
        return QModelIndex()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        service = self.proxy.service_at(current)
        self._update_favourite_action()
        self._show_details(service)
        self.service_chosen.emit(self.panel, service)

    def _double_clicked(self, index: QModelIndex) -> None:
        if self.proxy.service_at(index) is not None:
            self.order_requested.emit()

    def _enter(self) -> None:
        if self.current_service() is not None:
            self.order_requested.emit()

    def _show_details(self, service: Service | None) -> None:
        if service is None:
            count = len(self.model.services())
            text = ngettext(
                "{count} service. Pick one to order it.",
                "{count} services. Pick one to order it.",
                count,
            ).format(count=format_integer(count))
            self.details.setText(text if count else _("No catalog yet."))
            return
        terms = [
            type_text(service),
            rate_text(service, self.model.currency),
            # Translators: the least and the greatest quantity of a service.
            _("min {minimum}, max {maximum}").format(
                minimum=format_integer(service.min), maximum=format_integer(service.max)
            ),
            _option(_REFILL, service.refill),
            _option(_CANCEL, service.cancel),
            _option(_DRIPFEED, service.dripfeed),
        ]
        about = self._about(service)
        title = f"<b>{left_to_right(service.id)} · {_html(service.name)}</b><br>"
        self.details.setText(title + " · ".join(terms) + about)

    def _about(self, service: Service) -> str:
        """The description and the time it takes: the catalog's, else the history's."""
        lines = []
        description = catalog_description(service)
        if description:
            short = description if len(description) <= 300 else description[:297] + "…"
            lines.append(_html(short).replace("\n", "<br>"))
        took = catalog_average_time(service)
        if took:
            # Translators: {time} is how long the service takes, as the panel wrote it.
            lines.append(_("Average time: {time} (the panel's figure)").format(time=_html(took)))
        else:
            try:
                panel_id = self._desk.panel(self.panel).id
            except SmmdeskError:
                panel_id = None
            median = self._desk.read.median_completion(panel_id, service.id) if panel_id else None
            if median is not None:
                span, count = median
                # Translators: {time} is a length of time ("1 h 30 min").
                text = ngettext(
                    "Your orders of it took {time} (median of {count} order)",
                    "Your orders of it took {time} (median of {count} orders)",
                    count,
                )
                lines.append(text.format(time=time_words(span), count=format_integer(count)))
        return "".join(f"<br>{line}" for line in lines)


# A catalog option in the details, offered / not offered / not said (translated where shown).
_REFILL = (N_("refill"), N_("no refill"), N_("refill: not said"))
_CANCEL = (N_("cancel"), N_("no cancel"), N_("cancel: not said"))
_DRIPFEED = (N_("drip-feed"), N_("no drip-feed"), N_("drip-feed: not said"))


def _option(words: tuple[str, str, str], flag: bool | None) -> str:
    offered, not_offered, not_said = words
    return _(not_said) if flag is None else _(offered) if flag else _(not_offered)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
