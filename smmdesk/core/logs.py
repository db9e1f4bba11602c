"""Logging to the data folder: ``logs/smmdesk.log``, rotated, for "copy details" and bug reports.

API keys never reach a log record: the client never logs request bodies or parameters, and
errors carry our own sentences. Unexpected errors (bugs) are logged with their traceback.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from smmdesk.core.paths import logs_dir

LOG_NAME = "smmdesk.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(folder: Path, *, level: int = logging.INFO) -> Path:
    """Send smmdesk's (and httpx's warnings') log records to the data folder's log file.

    Returns the log file's path. Safe to call twice: the handler is installed once."""
    path = logs_dir(folder) / LOG_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            return path
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    logging.getLogger("smmdesk").setLevel(level)
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def recent_log(folder: Path, *, max_chars: int = 20_000) -> str:
    """The end of the log file (for a "copy details" action)."""
    path = logs_dir(folder) / LOG_NAME
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-max_chars:]
