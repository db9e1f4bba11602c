"""The Reports window: spend, sales and profit as a chart and a table, balance history.

Choose how to count (by panel, day, week, month, customer or service) and the date range;
the chart shows spent and profit per row (Qt Charts bars, amounts in the report currency
when exchange rates are set), the table every figure; "Export CSV…" writes the rows.
The "Balances" tab draws each panel's balance over time; "Time to complete" lists the
median time per service from your own orders.

Qt Charts (PySide6-Addons) is imported only when this window opens.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QPointF, Qt
from PySide6.QtGui import QColor, QPainter
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
from smmdesk.core.formats import duration_text
from smmdesk.core.i18n import N_, _, pgettext
from smmdesk.core.money import format_money, plain
from smmdesk.core.settings import Settings
from smmdesk.core.store.reports import REPORT_BY, ReportRow
from smmdesk.ui.errors import show_error

HEADERS = (N_("Orders"), N_("Spent"), N_("Sales"), N_("Profit"), N_("Currency"))
SPENT_COLOUR, PROFIT_COLOUR = QColor(214, 96, 77), QColor(76, 153, 107)
MAX_BARS = 60  # the chart shows the first rows (the table has them all)


def by_choice(by: str) -> str:
    """A REPORT_BY key as the "By" box offers it ("month"), in the current language."""
    # the context must be written out at each call: the extractor reads literals only
    words = {
        "panel": pgettext("a report counted by", "panel"),
        "day": pgettext("a report counted by", "day"),
        "week": pgettext("a report counted by", "week"),
        "month": pgettext("a report counted by", "month"),
        "customer": pgettext("a report counted by", "customer"),
        "service": pgettext("a report counted by", "service"),
    }
    return words.get(by, by)


def by_header(by: str) -> str:
    """The report table's first column title for a REPORT_BY key ("Month")."""
    words = {
        "panel": _("Panel"),
        "day": _("Day"),
        "week": _("Week"),
        "month": _("Month"),
        "customer": _("Customer"),
        "service": _("Service"),
    }
    return words.get(by, by.capitalize())


def chart_title(by: str) -> str:
    """The report chart's title for a REPORT_BY key."""
    titles = {
        "panel": _("Spent and profit by panel"),
        "day": _("Spent and profit by day"),
        "week": _("Spent and profit by week"),
        "month": _("Spent and profit by month"),
        "customer": _("Spent and profit by customer"),
        "service": _("Spent and profit by service"),
    }
    return titles.get(by, by)


def chart_view(name: str, parent: QWidget) -> QChartView:
    view = QChartView(QChart(), parent)
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.chart().legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return view


class ReportsWindow(QDialog):
    def __init__(self, desk: Desk, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reportsWindow")
        self.setWindowTitle(_("Reports"))
        self.resize(960, 620)
        self._desk, self._settings = desk, settings
        self.rows: list[ReportRow] = []
        self.by = QComboBox(self)
        self.by.setObjectName("reportBy")
        for key in REPORT_BY:
            self.by.addItem(by_choice(key), key)
        self.by.setCurrentIndex(self.by.findData("month"))
        self.since = self._date_edit(date.today() - timedelta(days=365), "reportSince")
        self.until = self._date_edit(date.today(), "reportUntil")
        export = QPushButton(_("Export CSV…"), self)
        export.setObjectName("exportReport")
        export.clicked.connect(self.ask_export)
        for signal in (self.by.currentIndexChanged, self.since.dateChanged, self.until.dateChanged):
            signal.connect(lambda *_args: self.reload())
        top = QHBoxLayout()
        choices = (
            # Translators: the report's choices read "By [month] from [day] to [day]".
            (pgettext("report counted by", "By"), self.by),
            (pgettext("report from day", "from"), self.since),
            (pgettext("report to day", "to"), self.until),
        )
        for text, widget in choices:
            top.addWidget(QLabel(text, self))
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(export)
        self.chart = chart_view("reportChart", self)
        self.table = QTableWidget(0, len(HEADERS) + 1, self)
        self.table.setObjectName("reportTable")
        self.balances = chart_view("balanceChart", self)
        self.timing = QTableWidget(0, 4, self)
        self.timing.setObjectName("timingTable")
        self.timing.setHorizontalHeaderLabels(
            (_("Panel"), _("Service"), _("Median time"), _("Orders"))
        )
        self.tabs = QTabWidget(self)
        money = QWidget(self)
        column = QVBoxLayout(money)
        column.addWidget(self.chart, 3)
        column.addWidget(self.table, 2)
        self.tabs.addTab(money, _("Spend, sales, profit"))
        self.tabs.addTab(self.balances, _("Balances"))
        self.tabs.addTab(self.timing, _("Time to complete"))
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
        self.by.setCurrentIndex(self.by.findData(by))
        self.reload()

    def reload(self) -> None:
        by = self.by.currentData() or "month"
        since, until = self.since.date().toPython(), self.until.date().toPython()
        try:
            self.rows = self._desk.read.report(
                by, since=since, until=until,
                exchange=Exchange.from_settings(self._settings),
            )  # fmt: skip
        except SmmdeskError as error:
            show_error(self, error, _("Making the report"))
            return
        self._fill_table(by)
        self._draw(by)
        self._draw_balances()
        self._fill_timing()

    def _fill_table(self, by: str) -> None:
        self.table.setRowCount(len(self.rows))
        self.table.setHorizontalHeaderLabels((by_header(by), *(_(h) for h in HEADERS)))
        for row_number, row in enumerate(self.rows):
            cells = (
                row.key or _("(none)"),
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
        """Spent and profit per row as bars (the first MAX_BARS rows)."""
        chart = self._fresh(self.chart)
        shown = self.rows[:MAX_BARS]
        series = QBarSeries()
        for title, colour, values in (
            (_("Spent"), SPENT_COLOUR, [float(row.spent) for row in shown]),
            (_("Profit"), PROFIT_COLOUR, [float(row.profit) for row in shown]),
        ):
            bars = QBarSet(title)
            bars.setColor(colour)
            bars.append(values)
            series.append(bars)
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.append([row.key or _("(none)") for row in shown])
        amounts = QValueAxis()
        amounts.setLabelFormat("%.2f")
        chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(labels)
        series.attachAxis(amounts)
        amounts.applyNiceNumbers()
        currency = {row.currency for row in shown}
        title = chart_title(by)
        if len(currency) == 1:
            # Translators: a chart's title and the currency of its amounts ("... (USD)").
            title = _("{title} ({currency})").format(title=title, currency=currency.pop())
        chart.setTitle(title)

    def _draw_balances(self) -> None:
        """Each panel's balance over time, one line per panel."""
        chart = self._fresh(self.balances)
        by_panel: dict[str, list[tuple[float, float]]] = {}
        for point in self._desk.read.balance_history(since=self.since.date().toPython()):
            by_panel.setdefault(point.panel, []).append(
                (point.at.timestamp() * 1000, float(point.amount))
            )
        if not by_panel:
            chart.setTitle(_("No balances recorded in this range"))
            return
        times = QDateTimeAxis()
        times.setFormat("yyyy-MM-dd")
        amounts = QValueAxis()
        amounts.setLabelFormat("%.2f")
        chart.addAxis(times, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        every = [t for points in by_panel.values() for t, _v in points]
        low, high = min(every), max(every)
        times.setRange(
            QDateTime.fromMSecsSinceEpoch(int(low)),
            QDateTime.fromMSecsSinceEpoch(int(high if high > low else low + 3_600_000)),
        )
        top = max(v for points in by_panel.values() for _t, v in points)
        amounts.setRange(0, top * 1.1 if top > 0 else 1)
        for panel, points in sorted(by_panel.items()):
            line = QLineSeries()
            line.setName(panel)
            line.setPointsVisible(True)
            line.append([QPointF(t, v) for t, v in points])
            chart.addSeries(line)
            line.attachAxis(times)
            line.attachAxis(amounts)
        chart.setTitle(_("Balances"))

    @staticmethod
    def _fresh(view: QChartView) -> QChart:
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    def _fill_timing(self) -> None:
        read = self._desk.read
        refs = read.finished_services()
        stats = read.service_stats([(r[0], r[1]) for r in refs])
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
            self, _("Export the report"), "report.csv", _("CSV files (*.csv)")
        )
        if path:
            self.export(path)

    def export(self, path: str) -> int:
        by = self.by.currentData() or "month"  # the CSV keeps the key, never translated
        header = [by, "orders", "spent", "sales", "profit", "priced", "currency"]
        rows = ([r.key, r.orders, plain(r.spent), plain(r.sales), plain(r.profit), r.priced,
                 r.currency] for r in self.rows)  # fmt: skip
        try:
            return write_csv(path, header, rows)
        except SmmdeskError as error:
            show_error(self, error, _("Exporting the report"))
            return 0
