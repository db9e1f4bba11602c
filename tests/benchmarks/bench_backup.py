"""Benchmark: back up and restore a 1,000,000-order book; does the window stay fluid?

Builds the order book in a real SQLite file (``tests.helpers.backups.fill_orders``: one
transaction, rows made as they are written), then times:

- a backup (``smmdesk.core.backup.backup_now``: the online backup API into a temporary
  file, packed with Zstandard into the archive, fsync, rename), and the archive's size;
- a restore of it (``restore``: unpacked and checked while the current order book is
  backed up, then copied in with the backup API in one transaction);
- the same backup run from the GUI's path (``BackupKeeper`` -> a worker thread at a lower
  priority) while a 10 ms heartbeat QTimer ticks on the qasync loop: the longest gap
  between two ticks, minus the period, is the longest stall a reseller could feel.

Budgets (issue 14): backup < 5 s, restore < 10 s, GUI stall < 50 ms.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_backup [--orders 1000000]

Not a pytest test: budgets are read, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
try:
    import smmdesk  # noqa: F401
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import qasync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from smmdesk.core import backup
from smmdesk.core.desk import Desk
from smmdesk.core.paths import database_path
from smmdesk.core.secrets import KeyStore, MemoryKeyring
from smmdesk.core.settings import Settings
from smmdesk.ui.backups.flows import BackupKeeper
from tests.helpers.backups import fill_orders

PERIOD_MS = 10
BUDGETS = {"backup": 5.0, "restore": 10.0, "stall_ms": 50.0}


class Heartbeat:
    """A 10 ms QTimer; remembers the longest gap between its ticks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(PERIOD_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return max(0.0, self.longest * 1000 - PERIOD_MS)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def timed(what: str, work: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"{what:<52} {seconds:6.2f} s", flush=True)
    return seconds, result


async def gui_backup(desk: Desk, settings: Settings) -> tuple[float, float]:
    """(seconds, longest stall in ms) of one backup through the GUI's BackupKeeper."""
    window = QWidget()
    keeper = BackupKeeper(desk, settings, window)
    beat = Heartbeat()
    beat.start()
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    task = keeper.backup(only_if_changed=False)
    while not task.done():
        await asyncio.sleep(0.005)
    seconds = time.perf_counter() - started
    await asyncio.sleep(0.1)
    task.result()
    return seconds, beat.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name) / "data"
        desk = Desk(folder, KeyStore(MemoryKeyring()))
        timed(f"build {args.orders:,} orders", lambda: fill_orders(desk.db, args.orders))
        desk.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = database_path(folder).stat().st_size
        settings = Settings.load(folder)
        print(f"order book: {size / 1e6:,.0f} MB", flush=True)
        backup_s, info = timed(
            "backup (online backup + zstd + fsync + rename)",
            lambda: backup.backup_now(folder, settings),
        )
        assert isinstance(info, backup.BackupInfo)
        print(f"archive: {info.size / 1e6:,.0f} MB ({info.orders:,} orders)", flush=True)
        restore_s, restored = timed(
            "restore (check, keep the current aside, copy in)",
            lambda: backup.restore(folder, settings, info.path),
        )
        assert isinstance(restored, backup.Restored) and restored.orders == args.orders
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            gui_s, stall = runner.run(gui_backup(desk, settings))
        print(f"{'backup from the GUI (worker thread)':<52} {gui_s:6.2f} s", flush=True)
        print(f"{'longest GUI stall during it':<52} {stall:6.1f} ms", flush=True)
        desk.db.close()
    figures = {"backup": backup_s, "restore": restore_s, "stall_ms": stall}
    for key, budget in BUDGETS.items():
        verdict = "ok" if figures[key] < budget else "OVER BUDGET"
        print(f"budget {key}: {figures[key]:.2f} < {budget} {verdict}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
