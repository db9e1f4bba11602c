"""Choosing and creating the data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from smmdesk.core.errors import LocalFileError
from smmdesk.core.paths import DATA_DIR_ENV, data_dir, database_path, logs_dir
from smmdesk.core.store import open_db


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A throw-away home, so the platform's default folder lands under tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    return tmp_path / "home"


def test_the_command_line_value_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    folder = data_dir(str(tmp_path / "from-cli"))
    assert folder == tmp_path / "from-cli"
    assert folder.is_dir()
    assert not (tmp_path / "from-env").exists()


def test_the_environment_comes_next(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert data_dir() == tmp_path / "from-env"
    assert data_dir("") == tmp_path / "from-env"


def test_else_the_platform_user_data_folder(home):
    folder = data_dir()
    assert folder == Path(platformdirs.user_data_dir("smmdesk", appauthor=False)).resolve()
    assert folder.is_dir()
    assert folder.is_relative_to(home)


def test_an_empty_environment_value_counts_as_unset(home):
    assert data_dir(environ={DATA_DIR_ENV: ""}) == data_dir(environ={})


def test_missing_parents_and_the_logs_folder_are_created(tmp_path):
    folder = data_dir(str(tmp_path / "a" / "b" / "c"))
    assert (folder / "logs").is_dir()
    assert logs_dir(folder) == folder / "logs"


def test_a_home_relative_value_is_expanded(home):
    assert data_dir("~/smm") == (home / "smm").resolve()


def test_the_folder_holds_the_database_and_logs_only(tmp_path):
    folder = data_dir(str(tmp_path / "data"))
    open_db(database_path(folder)).close()
    names = {p.name for p in folder.iterdir()}
    assert names <= {"smmdesk.sqlite3", "smmdesk.sqlite3-wal", "smmdesk.sqlite3-shm", "logs"}
    assert "smmdesk.sqlite3" in names


def test_a_file_in_the_way_is_a_sentence_saying_what_to_do(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(LocalFileError, match="--data-dir") as caught:
        data_dir(str(blocker))
    assert str(blocker) in str(caught.value)
