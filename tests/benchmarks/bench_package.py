"""Benchmark: the PyInstaller-built program against the same program from source.

Builds the onedir program first when dist/ has none (or with --rebuild), then measures:
- the size of the program folder (budget: under 200 MB);
- launch to usable window: process start until the main window is shown and painted,
  read from ``--self-test --timing`` (budget: under 2.5 s built; 1.5 s from source), the
  median of --runs launches after one warm-up launch;
- the whole self-test and ``smmdesk-cli --version``, wall time, for comparison.

    python tests/benchmarks/bench_package.py [--runs 5] [--rebuild]

Not a pytest test (pytest collects test_*.py only): budgets are read, not asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build.py"
SUFFIX = ".exe" if sys.platform.startswith("win") else ""
if sys.platform == "darwin":
    FOLDER = ROOT / "dist" / "smmdesk.app"
    PROGRAMS = FOLDER / "Contents" / "MacOS"
else:
    FOLDER = PROGRAMS = ROOT / "dist" / "smmdesk"
BUILT_APP = [str(PROGRAMS / f"smmdesk{SUFFIX}")]
BUILT_CLI = [str(PROGRAMS / f"smmdesk-cli{SUFFIX}")]
SOURCE_APP = [sys.executable, "-m", "smmdesk"]
SOURCE_CLI = [sys.executable, "-m", "smmdesk.cli"]
SIZE_BUDGET_MB = 200.0
LAUNCH_BUDGET_S = {"built": 2.5, "source": 1.5}
MARK = "window-ready-epoch: "


def environment() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def build_if_needed(rebuild: bool) -> float | None:
    """Build the onedir program when missing (or asked); returns the build's seconds."""
    if not rebuild and Path(BUILT_APP[0]).is_file():
        return None
    started = time.perf_counter()
    subprocess.run([sys.executable, str(BUILD_SCRIPT)], cwd=ROOT, check=True)
    return time.perf_counter() - started


def folder_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def launch_once(program: list[str]) -> tuple[float, float]:
    """(seconds from process start to a painted window, seconds for the whole self-test)."""
    started_epoch, started = time.time(), time.perf_counter()
    done = subprocess.run(
        [*program, "--self-test", "--timing"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    total = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(program)} --self-test failed:\n{done.stdout}{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if MARK in line)
    return float(line.split(MARK)[1]) - started_epoch, total


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment(), capture_output=True, check=True)
    return time.perf_counter() - started


def verdict(value: float, budget: float) -> str:
    return "within budget" if value < budget else "OVER BUDGET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured launches of each")
    parser.add_argument("--rebuild", action="store_true", help="build even if dist/ has one")
    args = parser.parse_args(argv)

    built_in = build_if_needed(args.rebuild)
    if built_in is not None:
        print(f"build (onedir):             {built_in:6.1f} s")
    size = folder_mb(FOLDER)
    print(
        f"size of {FOLDER.relative_to(ROOT)}:       {size:6.1f} MB"
        f"   (budget {SIZE_BUDGET_MB:.0f} MB: {verdict(size, SIZE_BUDGET_MB)})"
    )
    for label, app, cli in (("built", BUILT_APP, BUILT_CLI), ("source", SOURCE_APP, SOURCE_CLI)):
        launch_once(app)  # warm-up: the first start after a build reads from a cold disk
        runs = [launch_once(app) for _ in range(args.runs)]
        window = statistics.median(run[0] for run in runs)
        total = statistics.median(run[1] for run in runs)
        budget = LAUNCH_BUDGET_S[label]
        print(
            f"{label:6} launch to window:    {window:6.2f} s   "
            f"(min {min(r[0] for r in runs):.2f}, max {max(r[0] for r in runs):.2f}; "
            f"budget {budget} s: {verdict(window, budget)})"
        )
        print(f"{label:6} whole self-test:     {total:6.2f} s")
        print(f"{label:6} smmdesk-cli --version: {wall([*cli, '--version']):4.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
