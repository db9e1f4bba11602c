"""The order form for every type of the order-type table, against the demo panel's catalog:
the fields shown (and their widgets), live validation messages, the inferred quantity, the
expected cost and the balance after it."""

from __future__ import annotations

from typing import Any

import pytest

from smmdesk.core.ordertypes import FieldKind, form_fields
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orderform.form import OrderForm
from smmdesk.ui.orderform.widgets import (
    ChoiceEditor,
    DateEditor,
    LineEditor,
    LinesEditor,
    NumberEditor,
)
from tests.helpers.gui import wait_for

LINK = "https://instagram.com/p/CxTest"
TEN_LINES = "\n".join(f"line {n}" for n in range(1, 11))
TWELVE = "\n".join(f"comment {n}" for n in range(1, 13))

# service id -> (fields shown, values to type, quantity shown, cost shown). The demo
# panel's catalog has one service per type (18: a type smmdesk doesn't know).
CASES: dict[str, tuple[list[str], dict[str, str], str, str]] = {
    "1": (["link", "quantity", "runs", "interval"],
          {"link": LINK, "quantity": "1000", "runs": "3", "interval": "10"}, "3,000", "2.70 USD"),
    "2": (["link", "quantity"], {"link": LINK, "quantity": "1000"}, "1,000", "0.35 USD"),
    "3": (["link", "quantity", "keywords"],
          {"link": LINK, "quantity": "500", "keywords": "fresh bread, bakery"}, "500", "1.05 USD"),
    "4": (["link", "comments"], {"link": LINK, "comments": TWELVE}, "12", "0.096 USD"),
    "5": (["link", "comments"], {"link": LINK, "comments": "\n".join(["Nice", "Great"] * 5)},
          "10", "12.50 USD"),
    "6": (["link"], {"link": LINK}, "set by the service", "25.00 USD"),
    "7": (["link", "quantity", "answer_number"],
          {"link": LINK, "quantity": "200", "answer_number": "2"}, "200", "0.24 USD"),
    "8": (["link", "quantity", "groups"],
          {"link": LINK, "quantity": "100", "groups": "bakers\nbreadlovers"}, "100", "0.30 USD"),
    "9": (["username", "min", "max", "delay", "posts", "old_posts", "expiry"],
          {"username": "sunrise", "min": "10", "max": "20", "delay": "0", "posts": "2"},
          "40", "0.20 USD"),
    "10": (["link", "quantity", "usernames"],
           {"link": LINK, "quantity": "100", "usernames": "anna, ben"}, "100", "0.40 USD"),
    "11": (["link", "quantity", "usernames", "hashtags"],
           {"link": LINK, "quantity": "100", "usernames": "anna", "hashtags": "#bread"},
           "100", "0.45 USD"),
    "12": (["link", "usernames"], {"link": LINK, "usernames": TEN_LINES}, "10", "0.06 USD"),
    "13": (["link", "quantity", "hashtag"],
           {"link": LINK, "quantity": "100", "hashtag": "#bread"}, "100", "0.42 USD"),
    "14": (["link", "quantity", "username"],
           {"link": LINK, "quantity": "100", "username": "anna"}, "100", "0.44 USD"),
    "15": (["link", "quantity", "media"],
           {"link": LINK, "quantity": "100", "media": "https://instagram.com/p/Cx1"},
           "100", "0.46 USD"),
    "16": (["link", "quantity", "username"],
           {"link": LINK, "quantity": "20", "username": "anna"}, "20", "0.05 USD"),
    "17": (["link", "quantity", "runs", "interval", "country", "device", "type_of_traffic",
            "google_keyword", "referring_url"],
           {"link": LINK, "quantity": "500", "country": "US", "device": "1",
            "type_of_traffic": "1", "google_keyword": "bread"}, "500", "0.30 USD"),
    "18": (["link", "quantity"],
           {"link": LINK, "quantity": "100"}, "100", "0.15 USD"),
}  # fmt: skip

WIDGETS = {
    FieldKind.INTEGER: NumberEditor,
    FieldKind.DATE: DateEditor,
    FieldKind.CHOICE: ChoiceEditor,
    FieldKind.LINES: LinesEditor,
    FieldKind.LIST: LinesEditor,
    FieldKind.TEXT: LineEditor,
    FieldKind.LINK: LineEditor,
    FieldKind.USERNAME: LineEditor,
}


@pytest.fixture
def catalog(gui_desk: Any, qtbot: Any) -> dict[str, Any]:
    return {s.id: s for s in wait_for(gui_desk.catalog("demo"), qtbot)}


@pytest.fixture
def form(gui_desk: Any, qtbot: Any, catalog: Any) -> OrderForm:
    events, jobs = DeskEvents(gui_desk), Jobs()
    widget = OrderForm(gui_desk, events, jobs)
    widget.test_events = events  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    return widget


def fill(form: OrderForm, values: dict[str, str]) -> None:
    for name, text in values.items():
        form.set_value(name, text)


@pytest.mark.parametrize("service_id", sorted(CASES, key=int))
def test_the_form_of_every_type(form: OrderForm, catalog: Any, service_id: str) -> None:
    service = catalog[service_id]
    names, values, quantity, cost = CASES[service_id]
    form.set_service("demo", service)

    assert list(form.editors) == names
    for field in form_fields(service):
        editor = form.editors[field.name]
        assert isinstance(editor, WIDGETS[field.kind]), field.name
        if field.kind is FieldKind.INTEGER and field.minimum is not None and field.maximum:
            assert f"{field.minimum:,}" in editor.edit.placeholderText()
    assert not form.place_button.isEnabled()  # nothing typed yet

    fill(form, values)
    assert form.problems == []
    assert form.quantity_value.text() == quantity
    assert form.cost_value.text() == cost
    balance_after = 1000 - float(cost.split()[0])
    assert float(form.after_value.text().split()[0].replace(",", "")) == pytest.approx(
        balance_after, abs=0.005
    )
    assert form.place_button.isEnabled()


def test_dripfeed_fields_only_when_the_service_allows_it(form: OrderForm, catalog: Any) -> None:
    form.set_service("demo", catalog["1"])
    assert {"runs", "interval"} <= set(form.editors)
    form.set_service("demo", catalog["2"])
    assert not {"runs", "interval"} & set(form.editors)


def test_live_messages_appear_under_the_fields(form: OrderForm, catalog: Any) -> None:
    form.set_service("demo", catalog["1"])
    fill(form, {"link": LINK, "quantity": "20"})
    assert form.problem_labels["quantity"].text() == (
        "Quantity must be between 50 and 10,000 for this service."
    )
    assert form.problem_labels["quantity"].isVisibleTo(form)
    assert form.cost_value.text() == "—"
    fill(form, {"quantity": "100", "runs": "3"})
    assert "Enter the interval too" in form.problem_labels["interval"].text()
    fill(form, {"interval": "15"})
    assert form.problems == []
    assert form.quantity_value.text() == "300"


def test_problems_of_untouched_fields_show_after_a_try(form: OrderForm, catalog: Any) -> None:
    form.set_service("demo", catalog["4"])
    assert form.problem_labels["link"].text() == ""  # not touched yet: no scolding
    form.ask_to_place()
    assert form.problem_labels["link"].text() == "Enter the link."
    assert "one per line" in form.problem_labels["comments"].text()


def test_cross_field_messages(form: OrderForm, catalog: Any) -> None:
    form.set_service("demo", catalog["9"])
    fill(form, {"username": "sunrise", "min": "50", "max": "20", "delay": "0"})
    assert "can't be more than the maximum per post" in form.problem_labels["min"].text()
    form.set_service("demo", catalog["17"])
    fill(form, {"link": LINK, "quantity": "500", "country": "US", "device": "1"})
    fill(form, {"type_of_traffic": "2"})
    assert "Enter the referring URL" in form.problem_labels["referring_url"].text()


def test_quantity_is_inferred_from_the_lines(form: OrderForm, catalog: Any) -> None:
    form.set_service("demo", catalog["4"])
    fill(form, {"link": LINK, "comments": TWELVE})
    count = form.editors["comments"].count.text()
    assert count.startswith("12 lines")
    assert form.quantity_value.text() == "12"
    fill(form, {"comments": "just one"})
    assert "you gave 1" in form.problem_labels["comments"].text()


def test_an_unknown_type_gets_the_fallback_form_and_a_warning(
    form: OrderForm, catalog: Any
) -> None:
    form.set_service("demo", catalog["18"])
    notices = [label.text() for label in form.findChildren(type(form.general), "formNotice")]
    assert any("doesn't know services of type 'Story Reactions'" in n for n in notices)
    assert form.extras is not None
    fill(form, {"link": LINK, "quantity": "100"})
    form.extras.setPlainText("reaction=heart")
    assert form.values()["reaction"] == "heart"
    form.extras.setPlainText("reaction heart")
    assert "name=value" in form.general.text()
    assert not form.place_button.isEnabled()


def test_a_panel_refusing_subscriptions_is_said_up_front(
    form: OrderForm, catalog: Any, gui_desk: Any
) -> None:
    from smmdesk.core import store

    store.set_refuses_subscriptions(gui_desk.db, gui_desk.panel("demo").id, True)
    form.set_service("demo", catalog["9"])
    notices = [label.text() for label in form.findChildren(type(form.general), "formNotice")]
    assert "refused to create subscriptions through its API" in notices[0]
    assert form.track_button.isVisibleTo(form)
    assert not any(editor.isEnabled() for editor in form.editors.values())
    assert not form.place_button.isEnabled()
    form.set_service("demo", catalog["1"])  # other types are not concerned
    assert not form.track_button.isVisibleTo(form)


def test_a_number_field_takes_digits_grouped_any_way_and_nothing_else(qtbot) -> None:
    from PySide6.QtGui import QValidator

    from smmdesk.ui.orderform.widgets import NumberEdit

    edit = NumberEdit(10, 50_000)
    qtbot.addWidget(edit)
    validator = edit.validator()
    assert validator.regularExpression().isValid()
    acceptable = QValidator.State.Acceptable
    for typed in ("1000", "1 000", "1,000", "1.000", "1\u00a0000", "١٢٣", "१२३"):
        assert validator.validate(typed, 0)[0] == acceptable, typed
    for typed in ("12a", "-5", "1e3"):
        assert validator.validate(typed, 0)[0] != acceptable, typed
