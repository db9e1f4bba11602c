"""One vocabulary: no state is spelled outside smmdesk.core.vocabulary, and its words.

The source scan reads every module of smmdesk (docstrings and comments aside) for a string
that is a state's value ("placed") or quotes one in SQL (``state = 'placed'``): code names a
state by its enum member, SQL by a parameter or an f-string of the member.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest

import smmdesk
from smmdesk.core.vocabulary import (
    IMPORT_COUNTS,
    OrderState,
    RowState,
    cost_text,
    import_counts,
    row_result,
    status_text,
)
from smmdesk.protocol import CANONICAL_STATUSES, COMPLETED, PENDING, UNKNOWN

ROOT = Path(smmdesk.__file__).parent
STATES = {str(s) for s in OrderState} | {str(s) for s in RowState}
QUOTED = re.compile(r"'(" + "|".join(sorted(STATES)) + r")'")

# Files that may spell these words, and why.
ALLOWED = {
    "core/vocabulary.py": "the definitions",
    "protocol.py": 'the panels\' own status spellings ("failed" -> Failed)',
    "core/api/answers.py": 'words panels answer with ("status": "failed")',
    "core/api/probe.py": 'words in the panels\' error texts ("unknown action")',
    "core/backup/salvage.py": 'counts of salvaged rows ("skipped": rows that clashed)',
    "demo/app.py": "the demo panel is the other side of the protocol, not smmdesk's states",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def state_literals(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in skip:
            continue
        if node.value in STATES or QUOTED.search(node.value):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
    return found


def test_no_state_is_spelled_outside_the_vocabulary() -> None:
    files = [p for p in sorted(ROOT.rglob("*.py")) if str(p.relative_to(ROOT)) not in ALLOWED]
    assert len(files) > 100
    found = [hit for path in files for hit in state_literals(path)]
    assert found == []


def test_the_scan_sees_a_bare_state_and_one_quoted_in_sql(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring may say "placed"."""\n'
        'state = "unknown"\n'
        "sql = \"SELECT id FROM orders WHERE state = 'tracked'\"\n"
        "ok = f\"WHERE state = '{x}'\"  # placed\n",
        encoding="utf-8",
    )
    assert state_literals(sample, tmp_path) == [
        "sample.py:2: 'unknown'",
        "sample.py:3: \"SELECT id FROM orders WHERE state = 'tracked'\"",
    ]


def test_every_state_has_words() -> None:
    for state in OrderState:
        assert state.words and state.explained
    for row_state in RowState:
        assert row_state.words and row_result(row_state, "7", "why")
    counted = [s for _, states in IMPORT_COUNTS for s in states]
    assert sorted(counted) == sorted(set(RowState) - {RowState.SKIPPED})  # each once
    assert import_counts({"placed": 2, "invalid": 1, "failed": 1, "sending": 1}) == [2, 2, 1, 0]


@pytest.mark.parametrize(
    ("state", "status", "raw", "lost", "words"),
    [
        (OrderState.SENDING, None, None, False, "Sending"),
        (OrderState.UNKNOWN, None, None, False, "Outcome unknown"),
        (OrderState.FAILED, None, None, False, "Not placed"),
        (OrderState.PLACED, None, None, False, "Not checked yet"),
        (OrderState.PLACED, PENDING, "pending", True, "Pending (lost)"),
        (OrderState.TRACKED, COMPLETED, "Done", False, "Completed"),
        (OrderState.PLACED, UNKNOWN, "Paused", False, "Paused (unknown status)"),
    ],
)
def test_status_words(state, status, raw, lost, words) -> None:
    assert status_text(state, status, raw, lost) == words


def test_cost_words() -> None:
    charged, expected = Decimal("0.60000"), Decimal("0.03500")
    assert cost_text(OrderState.PLACED, charged, expected, "USD") == "0.60 USD"
    assert cost_text(OrderState.PLACED, None, expected, "USD") == "~0.035 USD"
    assert cost_text(OrderState.UNKNOWN, None, expected, "USD") == ""  # not known to be placed
    assert cost_text(OrderState.FAILED, None, expected, "USD") == ""
    assert set(CANONICAL_STATUSES) <= {
        status_text("placed", s, s, False) for s in CANONICAL_STATUSES
    }
