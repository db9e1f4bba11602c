"""Run every benchmark script in this folder, one after another: ``python -m tests.benchmarks``.

Each ``bench_*.py`` is a standalone script that prints its own figures; pass names to run
only some (``python -m tests.benchmarks status refresh``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        module = f"tests.benchmarks.{script.stem}"
        failed += subprocess.call([sys.executable, "-m", module], cwd=HERE.parent.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
