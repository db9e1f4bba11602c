#!/usr/bin/env bash
# CI stage: build the Linux program from this checkout with PyInstaller, then prove that the
# built program starts, shows its window, reaches a panel and stores an order.
#
#   bash packaging/ci_smoke.sh        (inside the CI's virtual environment, from any folder)
#
# Steps: install PyInstaller (pyproject's "build" extra), build the onedir program (nothing
# cached: PyInstaller's own cache goes to a throw-away folder), check its size budget, run
# --version of both programs, the built --self-test (and again inside a private D-Bus session
# with GNOME Keyring when that is installed, where the Secret Service backend must be found),
# the built CLI, and `--demo --screenshot` offscreen; then check the PNG. Exits non-zero on
# the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen PIP_DISABLE_PIP_VERSION_CHECK=1
SIZE_BUDGET_MB=200
started=$SECONDS
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export PYINSTALLER_CONFIG_DIR="$scratch/pyinstaller-cache"

step() { echo "== packaging: $* (at $((SECONDS - started)) s)"; }

step "install PyInstaller"
python -m pip install -q -e ".[build]"

step "build the onedir program"
rm -rf build/pyinstaller-onedir dist/smmdesk
python packaging/build.py
app=dist/smmdesk/smmdesk
cli=dist/smmdesk/smmdesk-cli

size_mb=$(du -sm dist/smmdesk | cut -f1)
echo "packaging: dist/smmdesk is ${size_mb} MB (budget ${SIZE_BUDGET_MB} MB)"
if [ "$size_mb" -ge "$SIZE_BUDGET_MB" ]; then
    echo "packaging: the built program is over its size budget" >&2
    exit 1
fi

step "--version of both programs"
"$app" --version
"$cli" --version

step "the built program's --self-test"
timeout -k 10 120 "$app" --self-test --report "$scratch/selftest.txt"

if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    step "--self-test with a Secret Service keyring (GNOME Keyring, private D-Bus session)"
    HOME="$scratch/home" timeout -k 10 120 dbus-run-session -- sh -c '
        mkdir -p "$HOME"
        echo -n ci-unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        "$0" --self-test --require-keyring' "$app"
fi

step "the built CLI over an empty data folder"
"$cli" --data-dir "$scratch/cli-data" panel list

step "--demo --screenshot offscreen"
shot="$scratch/screenshot.png"
timeout -k 10 120 "$app" --demo --screenshot "$shot"
python - "$shot" <<'EOF'
import sys

from PySide6.QtGui import QImage

image = QImage(sys.argv[1])
if image.isNull() or image.width() < 400 or image.height() < 300:
    sys.exit(f"packaging: the screenshot is not a window picture ({image.width()}x{image.height()})")
colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
if len(colours) < 16:
    sys.exit(f"packaging: the screenshot is nearly blank ({len(colours)} colours)")
print(f"packaging: screenshot {image.width()}x{image.height()}, {len(colours)} colours sampled")
EOF

echo "== packaging passed in $((SECONDS - started)) s"
