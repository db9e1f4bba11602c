"""The Reports window: spend, sales and profit as a chart and a table, balance history.

Choose how to count (by panel, day, week, month, customer or service) and the date range;
the chart shows spent and profit per row (pyqtgraph bars, amounts in the report currency
when exchange rates are set), the table every figure; "Export CSV…" writes the rows.
The "Balances" tab draws each panel's balance over time; "Time to complete" lists the
median time per service from your own orders.

pyqtgraph (and numpy under it) is imported only when this window opens, so starting
smmdesk does not pay for it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyqtgraph as pg
from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.exchange import Exchange
from smmdesk.core.export import write_csv
from smmdesk.core.money import format_money, plain
from smmdesk.core.settings import Settings
from smmdesk.core.store.reports import REPORT_BY, ReportRow, balance_history, report
from smmdesk.core.store.service_stats import service_stats
from smmdesk.ui.compare import duration_text
from smmdesk.ui.errors import show_error

HEADERS = ("Orders", "Spent", "Sales", "Profit", "Currency")
SPENT_BRUSH, PROFIT_BRUSH = (214, 96, 77), (76, 153, 107)
PANEL_PENS = ((66, 114, 196), (214, 96, 77), (76, 153, 107), (150, 100, 190), (220, 160, 40))


class ReportsWindow(QDialog):
    def __init__(self, desk: Desk, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reportsWindow")
        self.setWindowTitle("Reports")
        self.resize(960, 620)
        self._desk, self._settings = desk, settings
        self.rows: list[ReportRow] = []
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.by = QComboBox(self)
        self.by.setObjectName("reportBy")
        self.by.addItems(REPORT_BY)
        self.by.setCurrentText("month")
        self.since = self._date_edit(date.today() - timedelta(days=365), "reportSince")
        self.until = self._date_edit(date.today(), "reportUntil")
        export = QPushButton("Export CSV…", self)
        export.setObjectName("exportReport")
        export.clicked.connect(self.ask_export)
        for signal in (self.by.currentIndexChanged, self.since.dateChanged, self.until.dateChanged):
            signal.connect(lambda *_: self.reload())
        top = QHBoxLayout()
        for text, widget in (("By", self.by), ("from", self.since), ("to", self.until)):
            top.addWidget(QLabel(text, self))
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(export)
        self.chart = pg.PlotWidget(self)
        self.chart.setObjectName("reportChart")
        self.chart.addLegend()
        self.table = QTableWidget(0, len(HEADERS) + 1, self)
        self.table.setObjectName("reportTable")
        self.balances = pg.PlotWidget(self)
        self.balances.setObjectName("balanceChart")
        self.balances.addLegend()
        self.balances.setAxisItems({"bottom": pg.DateAxisItem()})
        self.timing = QTableWidget(0, 4, self)
        self.timing.setObjectName("timingTable")
        self.timing.setHorizontalHeaderLabels(("Panel", "Service", "Median time", "Orders"))
        self.tabs = QTabWidget(self)
        money = QWidget(self)
        column = QVBoxLayout(money)
        column.addWidget(self.chart, 3)
        column.addWidget(self.table, 2)
        self.tabs.addTab(money, "Spend, sales, profit")
        self.tabs.addTab(self.balances, "Balances")
        self.tabs.addTab(self.timing, "Time to complete")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # --- reading -------------------------------------------------------------------------
    def set_range(self, by: str, since: date, until: date) -> None:
        for edit, day in ((self.since, since), (self.until, until)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.by.setCurrentText(by)
        self.reload()

    def reload(self) -> None:
        by = self.by.currentText()
        since, until = self.since.date().toPython(), self.until.date().toPython()
        try:
            self.rows = report(
                self._desk.db, by, since=since, until=until,
                exchange=Exchange.from_settings(self._settings),
            )  # fmt: skip
        except SmmdeskError as error:
            show_error(self, error, "Making the report")
            return
        self._fill_table(by)
        self._draw(by)
        self._draw_balances()
        self._fill_timing()

    def _fill_table(self, by: str) -> None:
        self.table.setRowCount(len(self.rows))
        self.table.setHorizontalHeaderLabels((by.capitalize(), *HEADERS))
        for row_number, row in enumerate(self.rows):
            cells = (
                row.key or "(none)",
                str(row.orders),
                format_money(row.spent),
                format_money(row.sales),
                format_money(row.profit),
                row.currency or "",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row_number, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _draw(self, by: str) -> None:
        self.chart.clear()
        labels = [row.key or "(none)" for row in self.rows]
        xs = list(range(len(labels)))
        spent = [float(row.spent) for row in self.rows]
        profit = [float(row.profit) for row in self.rows]
        if xs:
            left = [x - 0.2 for x in xs]
            right = [x + 0.2 for x in xs]
            self.chart.addItem(pg.BarGraphItem(x=left, height=spent, width=0.38,
                                               brush=SPENT_BRUSH, name="Spent"))  # fmt: skip
            self.chart.addItem(pg.BarGraphItem(x=right, height=profit, width=0.38,
                                               brush=PROFIT_BRUSH, name="Profit"))  # fmt: skip
        step = max(1, len(labels) // 12)
        self.chart.getAxis("bottom").setTicks([[(x, labels[x]) for x in xs[::step]]])
        currency = {row.currency for row in self.rows}
        self.chart.setTitle(f"Spent and profit by {by}" + (
            f" ({currency.pop()})" if len(currency) == 1 else ""))  # fmt: skip

    def _draw_balances(self) -> None:
        self.balances.clear()
        by_panel: dict[str, list[tuple[float, float]]] = {}
        for point in balance_history(self._desk.db, since=self.since.date().toPython()):
            by_panel.setdefault(point.panel, []).append((point.at.timestamp(), float(point.amount)))
        for n, (panel, points) in enumerate(sorted(by_panel.items())):
            pen = pg.mkPen(PANEL_PENS[n % len(PANEL_PENS)], width=2)
            xs, ys = zip(*points, strict=True)
            self.balances.plot(list(xs), list(ys), pen=pen, symbol="o", symbolSize=5, name=panel)

    def _fill_timing(self) -> None:
        db = self._desk.db
        refs = db.execute(
            "SELECT DISTINCT o.panel_id, o.service_id, p.name, o.service_name FROM orders o "
            "JOIN panels p ON p.id = o.panel_id WHERE o.service_id IS NOT NULL AND o.final = 1"
        ).fetchall()
        stats = service_stats(db, [(r[0], r[1]) for r in refs])
        shown = [(r, stats[(r[0], r[1])]) for r in refs if (r[0], r[1]) in stats]
        shown.sort(key=lambda item: item[1].completed_median_s or float("inf"))
        self.timing.setRowCount(len(shown))
        for row_number, (ref, figures) in enumerate(shown):
            cells = (ref[2], f"{ref[1]} {ref[3] or ''}".strip(),
                     duration_text(figures.completed_median_s), str(figures.finished))  # fmt: skip
            for column, text in enumerate(cells):
                self.timing.setItem(row_number, column, QTableWidgetItem(text))
        self.timing.resizeColumnsToContents()

    # --- export --------------------------------------------------------------------------
    def ask_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the report", "report.csv", "CSV files (*.csv)"
        )
        if path:
            self.export(path)

    def export(self, path: str) -> int:
        by = self.by.currentText()
        header = [by, "orders", "spent", "sales", "profit", "priced", "currency"]
        rows = ([r.key, r.orders, plain(r.spent), plain(r.sales), plain(r.profit), r.priced,
                 r.currency] for r in self.rows)  # fmt: skip
        try:
            return write_csv(path, header, rows)
        except SmmdeskError as error:
            show_error(self, error, "Exporting the report")
            return 0
