"""Logging goes to the data folder's log file, once, and can be read back for bug reports."""

from __future__ import annotations

import logging

from smmdesk.core.logs import LOG_NAME, recent_log, setup_logging


def test_records_reach_the_data_folder_log_once(tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = setup_logging(tmp_path)
        assert setup_logging(tmp_path) == path  # a second call adds no second handler
        assert len(root.handlers) == len(before) + 1
        logging.getLogger("smmdesk.test").warning("balance under threshold on %s", "demo")
        for handler in root.handlers:
            handler.flush()
        assert path.name == LOG_NAME
        assert "balance under threshold on demo" in recent_log(tmp_path)
    finally:
        for handler in root.handlers[len(before) :]:
            root.removeHandler(handler)
            handler.close()


def test_no_log_yet_reads_as_empty(tmp_path):
    assert recent_log(tmp_path) == ""
