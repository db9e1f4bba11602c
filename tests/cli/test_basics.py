"""smmdesk-cli as a user runs it: a subprocess with its own data folder and keyring file.

Also home of ``Cli``, the runner the other ``test_cli_*`` modules use: ``python -m
smmdesk.cli`` with cwd = the repository root, ``PYTHON_KEYRING_BACKEND`` = the test
FileKeyring (keys shared between processes through a JSON file) and ``SMMDESK_DATA_DIR`` in
``tmp_path``. Each call checks the exit code it expects.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FILE_KEYRING = "tests.helpers.keyrings.FileKeyring"


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


class Cli:
    """Runs ``smmdesk-cli`` in a subprocess; ``cli("panel", "list", code=0)``."""

    def __init__(self, tmp_path: Path, *, backend: str = FILE_KEYRING):
        self.data = tmp_path / "data"
        self.keyring_file = tmp_path / "keys.json"
        self.env = {
            **os.environ,
            "PYTHON_KEYRING_BACKEND": backend,
            "SMMDESK_TEST_KEYRING_FILE": str(self.keyring_file),
            "SMMDESK_DATA_DIR": str(self.data),
            "PYTHONIOENCODING": "utf-8",
        }
        self.env.pop("PYTHONPATH", None)

    def __call__(self, *args: object, input: str = "", code: int | None = 0) -> Ran:
        proc = subprocess.run(
            [sys.executable, "-m", "smmdesk.cli", *map(str, args)],
            cwd=REPO,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
        ran = Ran(proc.returncode, proc.stdout, proc.stderr)
        if code is not None:
            assert ran.code == code, f"exit {ran.code}, wanted {code}\n{ran.out}\n{ran.err}"
        return ran

    def json(self, *args: object, input: str = "") -> Any:
        return self(*args, "--json", input=input).json

    def keys(self) -> dict[str, str]:
        """The keyring's smmdesk entries (panel name -> key)."""
        if not self.keyring_file.exists():
            return {}
        return json.loads(self.keyring_file.read_text(encoding="utf-8")).get("smmdesk", {})

    def add_panel(self, name: str, url: str, key: str) -> dict[str, Any]:
        return self.json("panel", "add", name, url, input=key + "\n")

    def data_bytes(self) -> dict[Path, bytes]:
        """Every file of the data folder (SQLite, its WAL, logs, settings)."""
        return {p: p.read_bytes() for p in self.data.rglob("*") if p.is_file()}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_usage_errors_exit_2_with_argparse_message(cli: Cli) -> None:
    assert "COMMAND" in cli(code=2).err
    assert "URL" in cli("panel", "add", "only-a-name", code=2).err
    bad_pair = cli("order", "add", "demo", "1", "link", "--yes", code=2)
    assert "'link' is not FIELD=VALUE" in bad_pair.err
    assert "whole number" in cli("orders", "--limit", "-1", code=2).err
    assert "invalid choice" in cli("orders", "--state", "lost-in-space", code=2).err
    assert "REMOTE_ID --not-placed" in cli("order", "resolve", "3", code=2).err
    assert not cli.data.exists()  # nothing opened for a command line that doesn't parse


def test_json_and_data_dir_before_or_after_the_command(cli: Cli, tmp_path: Path) -> None:
    assert cli("--json", "panel", "list").json == []
    assert cli("panel", "list", "--json").json == []
    other = tmp_path / "other folder"
    assert cli("panel", "list", "--data-dir", other, "--json").json == []
    assert cli("--data-dir", other, "panel", "list").out.startswith("No panels yet")
    assert (other / "smmdesk.sqlite3").is_file()
    assert (other / "logs" / "smmdesk.log").is_file()


def test_keyring_unusable_is_one_clear_line(tmp_path: Path, demo_panel: Any) -> None:
    cli = Cli(tmp_path, backend="keyring.backends.fail.Keyring")
    ran = cli("panel", "add", "main", demo_panel.url, input=demo_panel.key + "\n", code=1)
    assert len(ran.err_lines) == 1
    assert ran.err.startswith("smmdesk: No usable system keyring was found")
    assert "never in a file" in ran.err
    assert cli.json("panel", "list") == []  # nothing kept half-way


def test_a_bug_is_logged_with_its_traceback(tmp_path: Path, demo_panel: Any) -> None:
    cli = Cli(tmp_path)
    del cli.env["SMMDESK_TEST_KEYRING_FILE"]  # the test keyring then raises RuntimeError
    ran = cli("panel", "add", "main", demo_panel.url, input=demo_panel.key + "\n", code=1)
    log_path = cli.data / "logs" / "smmdesk.log"
    assert ran.err_lines == [f"smmdesk: unexpected error, details in {log_path}"]
    log = log_path.read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log
    assert demo_panel.key not in log


def test_a_closed_pipe_is_not_an_error_message(cli: Cli) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "smmdesk.cli", "panel", "list"],
        cwd=REPO,
        env=cli.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head` that has read enough, before anything is written
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err == b""


def test_core_and_cli_import_without_qt() -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "import smmdesk.core, smmdesk.cli, smmdesk.demo\n"
        "for package in (smmdesk.core, smmdesk.cli, smmdesk.demo):\n"
        "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        if info.name.endswith('__main__'):\n"
        "            continue\n"
        "        importlib.import_module(info.name)\n"
        "import smmdesk.cli.main\n"
        "assert 'smmdesk.cli.orders' in sys.modules\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync'))\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
