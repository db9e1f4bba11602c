"""Every marked text can be extracted: the translator functions get literal texts (an
f-string, a variable context or a plural built at run time would never reach a catalog).
``_(name)`` stays allowed: it translates a text marked elsewhere with ``N_``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "smmdesk"
LITERAL_ARGS = {"N_": 1, "ngettext": 2, "pgettext": 2}  # how many leading args are texts
# the self-test looks up a text marked elsewhere, to prove the built program's catalogs load
ALLOWED = {"selftest.py"}


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def unextractable(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        name, args = node.func.id, node.args
        if name == "_" and args and isinstance(args[0], ast.JoinedStr | ast.BinOp):
            lines.append(node.lineno)  # _(f"...") or _("a" + b)
        elif name in LITERAL_ARGS and not all(_literal(a) for a in args[: LITERAL_ARGS[name]]):
            lines.append(node.lineno)
    return lines


def test_every_marked_text_is_a_literal() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in ROOT.rglob("*.py")
        if str(path.relative_to(ROOT)) not in ALLOWED
        for line in unextractable(path.read_text(encoding="utf-8"))
    }
    assert found == set()


def test_the_check_catches_what_the_extractor_would_miss() -> None:
    bad = 'x = 1\n_(f"{x}")\npgettext(context, "Open")\nngettext(one, "many", 2)\nN_(x)\n'
    assert unextractable(bad) == [2, 3, 4, 5]
    good = '_("plain")\n_(LABEL)\npgettext("ctx", "Open")\nngettext("a", "b", n)\nN_("x")\n'
    assert unextractable(good) == []
