"""Build the smmdesk programs with PyInstaller (packaging/smmdesk.spec) and say where.

    python packaging/build.py              # onedir: dist/smmdesk/ (macOS: dist/smmdesk.app)
    python packaging/build.py --onefile    # dist/onefile/smmdesk[.exe], smmdesk-cli[.exe]

Needs PyInstaller (``pip install ".[build]"``). Prints the output folder, its size and the
programs in it; exits with PyInstaller's code when the build fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "smmdesk.spec"
ONEFILE_ENV = "SMMDESK_ONEFILE"
NAMES = ("smmdesk", "smmdesk-cli")


def dist_dir(onefile: bool, root: Path = ROOT) -> Path:
    """Where PyInstaller writes: dist/ for onedir, dist/onefile/ for single files."""
    return root / "dist" / "onefile" if onefile else root / "dist"


def output_dir(onefile: bool, root: Path = ROOT) -> Path:
    """The folder a user gets: the app bundle on macOS, the program folder elsewhere."""
    dist = dist_dir(onefile, root)
    if onefile:
        return dist
    return dist / "smmdesk.app" if sys.platform == "darwin" else dist / "smmdesk"


def programs(onefile: bool, root: Path = ROOT) -> dict[str, Path]:
    """The built executables by name (they may not exist yet)."""
    suffix = ".exe" if sys.platform.startswith("win") else ""
    folder = output_dir(onefile, root)
    if sys.platform == "darwin" and not onefile:
        folder = folder / "Contents" / "MacOS"
    return {name: folder / f"{name}{suffix}" for name in NAMES}


def folder_size(path: Path) -> int:
    """Bytes of every file under ``path`` (symbolic links not followed nor counted)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(onefile: bool = False, *, clean: bool = False) -> int:
    """Run PyInstaller on the spec; returns its exit code."""
    mode = "onefile" if onefile else "onedir"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        f"--distpath={dist_dir(onefile)}",
        f"--workpath={ROOT / 'build' / f'pyinstaller-{mode}'}",
        *(["--clean"] if clean else []),
        str(SPEC),
    ]
    env = dict(os.environ)
    env[ONEFILE_ENV] = "1" if onefile else ""
    return subprocess.call(command, cwd=ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build smmdesk with PyInstaller.")
    parser.add_argument("--onefile", action="store_true", help="single-file programs")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = parser.parse_args(argv)
    started = time.monotonic()
    code = build(args.onefile, clean=args.clean)
    if code != 0:
        print(f"build: PyInstaller failed (exit {code})", file=sys.stderr)
        return code
    out = output_dir(args.onefile)
    print(f"build: {out}")
    print(f"build: {folder_size(out) / 1e6:.1f} MB in {time.monotonic() - started:.0f} s")
    for name, path in programs(args.onefile).items():
        state = "ok" if path.is_file() else "MISSING"
        print(f"build: {name}: {path} ({state})")
    return 0 if all(path.is_file() for path in programs(args.onefile).values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
