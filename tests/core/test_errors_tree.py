"""The error tree in smmdesk.core.errors is whole: every known error is drawn there, under
its real parent, and ConfigError is only a family (each raise says which kind it is)."""

from __future__ import annotations

import re
from pathlib import Path

from smmdesk.core import errors
from smmdesk.core.importer.rawfile import ImportFileError

ROOT = Path(__file__).resolve().parents[2] / "smmdesk"


def drawn_tree() -> dict[str, str]:
    """Class name -> its parent's name, as the module docstring draws them."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        found = re.match(r"^[\s│├└─]*([A-Z][A-Za-z]+)\b", line)
        if not found or ("──" not in line and found.group(1) != "SmmdeskError"):
            continue
        name = found.group(1)
        depth = found.start(1)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    return parents


def test_every_known_error_is_drawn_under_its_parent() -> None:
    known = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.SmmdeskError)
    ] + [ImportFileError]
    tree = drawn_tree()
    for cls in known:
        if cls is errors.SmmdeskError:
            continue
        assert tree.get(cls.__name__) == cls.__mro__[1].__name__, cls.__name__


def test_config_error_is_only_a_family() -> None:
    raised = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bConfigError\(", line) and "class ConfigError" not in line
    ]
    assert raised == []
