"""smmdesk-cli in the reseller's language, against the demo panel in real subprocesses:
problems explained in Russian or Turkish, quantities read the local way, and everything a
program reads (--json, exports, field names, exit codes, the "smmdesk:" prefix) the same in
every language."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import Cli

POST = "link=https://instagram.com/p/Cx1"
LANGUAGE_VARIABLES = ("SMMDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def demo_panel() -> Iterator[DemoPanel]:
    with DemoPanel(clock_speed=0) as panel:
        yield panel


@pytest.fixture
def cli(tmp_path: Path, demo_panel: Any) -> Cli:
    runner = Cli(tmp_path)
    runner.add_panel("demo", demo_panel.url, demo_panel.key)
    return runner


def speaking(cli: Cli, **variables: str) -> Cli:
    """The same CLI run with only these language variables set."""
    for name in LANGUAGE_VARIABLES:
        cli.env.pop(name, None)
    cli.env.update(variables)
    return cli


def test_a_bad_quantity_is_explained_in_russian(cli: Cli) -> None:
    english = cli("order", "add", "demo", "2", POST, "quantity=5", "--yes", code=1)
    russian = speaking(cli, SMMDESK_LANG="ru")
    ran = russian("order", "add", "demo", "2", POST, "quantity=5", "--yes", code=1)
    assert ran.err.strip() == (
        "smmdesk: quantity: Поле «Количество»: для этой услуги нужно от 10 до 50 000."
    )
    assert english.err.strip() == (
        "smmdesk: quantity: Quantity must be between 10 and 50,000 for this service."
    )
    not_a_number = russian("order", "add", "demo", "2", POST, "quantity=1,5", "--yes", code=1)
    assert not_a_number.err.strip() == (
        "smmdesk: quantity: Поле «Количество» должно быть целым числом, например 100, а не «1,5»."
    )


def test_lang_alone_gives_turkish(cli: Cli) -> None:
    turkish = speaking(cli, LANG="tr_TR.UTF-8")
    ran = turkish("order", "add", "demo", "2", POST, "quantity=5", "--yes", code=1)
    assert ran.err.strip() == (
        'smmdesk: quantity: "Miktar" bu hizmet için 10 ile 50.000 arasında olmalı.'
    )


def test_a_turkish_quantity_is_read_the_turkish_way(cli: Cli) -> None:
    turkish = speaking(cli, LANG="tr_TR.UTF-8")
    placed = turkish.json("order", "add", "demo", "2", POST, "quantity=1.500", "--yes")
    assert placed["quantity"] == 1500
    assert placed["params"]["quantity"] == "1500"  # sent to the panel the plain way


def test_the_language_setting_applies_and_smmdesk_lang_overrides_it(cli: Cli) -> None:
    settings = cli.data / "settings.json"
    saved = json.loads(settings.read_text(encoding="utf-8")) if settings.exists() else {}
    settings.write_text(json.dumps({**saved, "language": "es"}), encoding="utf-8")
    spanish = speaking(cli, LANG="tr_TR.UTF-8")
    ran = spanish("order", "add", "demo", "2", POST, "quantity=5", "--yes", code=1)
    assert "«Cantidad» debe estar entre 10 y 50.000 para este servicio." in ran.err
    ran = speaking(cli, SMMDESK_LANG="ar")("order", "add", "demo", "2", POST, "quantity=5",
                                           "--yes", code=1)  # fmt: skip
    assert ran.err.startswith("smmdesk: quantity: ")
    assert "«الكمية»" in ran.err


def _every_language_json(cli: Cli, *args: str) -> list[str]:
    outputs = []
    for language in ("en", "ru", "tr", "ar"):
        outputs.append(speaking(cli, SMMDESK_LANG=language)(*args, "--json").out)
    return outputs


def test_json_and_exports_never_change_with_the_language(cli: Cli, tmp_path: Path) -> None:
    cli.json("order", "add", "demo", "2", POST, "quantity=1000", "--yes", "--sale-price", "5.50")
    outputs = _every_language_json(cli, "orders")
    assert len(set(outputs)) == 1
    order = json.loads(outputs[0])[0]
    assert order["expected_cost"] == "0.35000" and order["sale_price"] == "5.50"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", order["created_at"])

    russian = speaking(cli, SMMDESK_LANG="ru")
    path = tmp_path / "orders.csv"
    russian("export", path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[0]["quantity"] == "1000" and rows[0]["expected_cost"] == "0.35000"
    assert rows[0]["sale_price"] == "5.50"
    assert re.match(r"\d{4}-\d\d-\d\d", rows[0]["created_at"])


def test_exit_codes_and_usage_stay_the_same(cli: Cli) -> None:
    russian = speaking(cli, SMMDESK_LANG="ru")
    assert russian("order", "add", "demo", "2", "link", "--yes", code=2).err
    failed = russian("order", "add", "demo", "2", POST, "quantity=abc", "--json", code=1)
    assert failed.out == "" and failed.err.startswith("smmdesk: quantity: ")


def test_json_texts_stay_english_whatever_the_language(cli: Cli, demo_panel: Any) -> None:
    """A value that is a sentence (a cancel's message, a refused order's problem) is the
    same for a script in every language; the human table of the same run is translated."""
    said = []
    for language in ("en", "ru", "tr", "ar"):
        placed = cli.json("order", "add", "demo", "2", POST, "quantity=1000", "--yes")
        local = speaking(cli, SMMDESK_LANG=language)
        said.append(local.json("cancel", "demo", placed["remote_id"])[0]["message"])
        refused = local("order", "add", "demo", "2", POST, "quantity=5", "--json", code=1)
        assert refused.err.startswith("smmdesk: quantity: Quantity must be between 10 and")
    assert said == ["cancel requested"] * 4
    human = speaking(cli, SMMDESK_LANG="ru")(
        "order", "add", "demo", "2", POST, "quantity=5", code=1
    )
    assert "Количество" in human.err
