"""User settings: typed, validated, kept in the data folder, never lost to a damaged file."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from smmdesk.core.errors import ConfigError, LocalFileError
from smmdesk.core.settings import SETTINGS_NAME, Settings, int_range, limits


def test_defaults_then_saved_changes_come_back_typed(tmp_path):
    settings = Settings.load(tmp_path)
    assert settings.refresh_interval == 60
    assert settings.webhook_enabled is False
    assert settings.webhook_host == "127.0.0.1"

    settings.update(refresh_interval="120", balance_threshold="12.50", notify_orders="off").save()

    again = Settings.load(tmp_path)
    assert again.refresh_interval == 120
    assert again.balance_threshold == Decimal("12.50")
    assert again.notify_orders is False


def test_webhook_token_is_made_once_and_kept(tmp_path):
    first = Settings.load(tmp_path).webhook_token
    assert len(first) >= 24
    assert Settings.load(tmp_path).webhook_token == first


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("refresh_interval", "5", "between 15 and 86400"),
        ("refresh_interval", "soon", "whole number"),
        ("webhook_port", "70000", "between 1 and 65535"),
        ("balance_threshold", "-1", "0 or more"),
        ("balance_threshold", "ten", "an amount"),
        ("notify_orders", "maybe", "on or off"),
        ("colour", "red", "no setting"),
    ],
)
def test_bad_values_are_refused_with_a_sentence(tmp_path, name, value, words):
    with pytest.raises(ConfigError) as caught:
        Settings.load(tmp_path).update(**{name: value})
    assert words in caught.value.user_message


def test_a_damaged_file_is_set_aside_not_lost(tmp_path):
    (tmp_path / SETTINGS_NAME).write_text("{not json", encoding="utf-8")
    settings = Settings.load(tmp_path)
    assert settings.refresh_interval == 60
    assert (tmp_path / (SETTINGS_NAME + ".bad")).read_text(encoding="utf-8") == "{not json"


def test_unknown_keys_in_the_file_are_ignored(tmp_path):
    (tmp_path / SETTINGS_NAME).write_text(
        json.dumps({"refresh_interval": 300, "from_a_newer_version": True}), encoding="utf-8"
    )
    assert Settings.load(tmp_path).refresh_interval == 300


def test_a_save_that_cannot_be_written_is_a_sentence_and_keeps_the_old_file(tmp_path):
    settings = Settings.load(tmp_path)
    (tmp_path / (SETTINGS_NAME + ".part")).mkdir()  # something in the way of the new file
    with pytest.raises(LocalFileError, match="could not save its settings") as caught:
        settings.update(refresh_interval=120).save()
    assert "data folder" in caught.value.user_message
    assert Settings.load(tmp_path).refresh_interval == 60


def test_each_setting_is_checked_against_the_limits_it_declares(tmp_path):
    settings = Settings.load(tmp_path)
    for name in ("refresh_interval", "balance_days", "webhook_port", "backup_every",
                 "backup_keep_last", "backup_keep_days", "backup_keep_weeks"):  # fmt: skip
        low, high = int_range(name)
        assert low <= getattr(Settings(), name) <= high  # the default lies within
        assert getattr(settings.update(**{name: low}), name) == low
        assert getattr(settings.update(**{name: high}), name) == high
        for outside in (low - 1, high + 1):
            with pytest.raises(ConfigError, match=f"{name} must be between {low} and {high}"):
                settings.update(**{name: outside})
    assert limits("theme").choices == ("system", "light", "dark")
    assert limits("report_currency") == limits("webhook_host")  # no limits declared: none
    with pytest.raises(ConfigError, match="no setting called"):
        limits("colour")
