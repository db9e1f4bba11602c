#!/usr/bin/env bash
# CI stage: the installed program in a real X window, as a new user meets it.
#
#   bash .ci/window_stage.sh [WIDTHxHEIGHT]   (default 1366x768; inside the CI's virtual environment; needs xvfb, openbox,
#                                    xdotool, imagemagick, x11-utils, gnome-keyring, dbus)
#
# Xvfb (1366x768, or the size given) with a window manager (openbox); a demo panel started as its own process
# (smmdesk-demo-panel --port 0); the panel added with `smmdesk-cli panel add` (the key on
# stdin, kept by gnome-keyring under a private D-Bus session); then `smmdesk --data-dir` is
# started on that folder, its window found (xdotool) and measured (xwininfo), the screen
# saved (import -window root) to build/ci/window-SIZE-first.png and checked; the program is
# closed with Ctrl+Q and must exit 0. Then it is started a second time on the layout it kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/ci
mkdir -p "$out"
scratch=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT
size=${1:-1366x768}  # the screen: a common laptop (1366x768) or a desktop (1920x1080)
width=${size%x*} height=${size#*x}

export DISPLAY=:77 HOME="$scratch/home" QT_QPA_PLATFORM=xcb
mkdir -p "$HOME"
Xvfb "$DISPLAY" -screen 0 "${size}x24" -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null || { echo "window stage: Xvfb did not start" >&2; exit 1; }
openbox >"$scratch/wm.log" 2>&1 &
pids+=($!)

smmdesk-demo-panel --port 0 >"$scratch/panel.txt" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^API key:' "$scratch/panel.txt" && break; sleep 0.1; done
url=$(sed -n 's/^Demo panel: *//p' "$scratch/panel.txt")
key=$(sed -n 's/^API key: *//p' "$scratch/panel.txt")
[ -n "$url" ] && [ -n "$key" ] || { echo "window stage: no demo panel" >&2; exit 1; }

timeout -k 10 240 dbus-run-session -- bash -s "$url" "$key" "$scratch/data" "$out" "$size" <<'EOF'
set -euo pipefail
url=$1 key=$2 data=$3 out=$4 size=$5
echo -n ci-unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null
printf '%s\n' "$key" | smmdesk-cli --data-dir "$data" panel add "My panel" "$url"

one_start() {  # $1: the picture's name
    smmdesk --data-dir "$data" &
    app=$!
    wid=$(timeout 30 xdotool search --sync --onlyvisible --name '^smmdesk$' | head -n 1)
    [ -n "$wid" ] || { echo "window stage: no smmdesk window" >&2; kill "$app"; exit 1; }
    xwininfo -id "$wid" | grep -E 'Width|Height|Map State'
    xwininfo -id "$wid" | grep -q 'IsViewable'
    # the first refresh and the catalog load in the background: give them their moment
    for _ in $(seq 40); do
        smmdesk-cli --data-dir "$data" services "My panel" >/dev/null 2>&1 && break
        sleep 0.25
    done
    sleep 2
    import -window root "$out/$1"
    xdotool windowactivate --sync "$wid" key --clearmodifiers ctrl+q
    wait "$app"  # exits 0 when it closed cleanly (set -e)
    echo "window stage: $1 saved, smmdesk closed cleanly"
}
one_start "window-$size-first.png"
one_start "window-$size-second.png"
EOF

python - "$width" "$height" "$out/window-$size-first.png" "$out/window-$size-second.png" <<'EOF'
import sys

from PySide6.QtGui import QGuiApplication, QImage

app = QGuiApplication(["check", "-platform", "offscreen"])
width, height = int(sys.argv[1]), int(sys.argv[2])
for path in sys.argv[3:]:
    image = QImage(path)
    if image.isNull() or (image.width(), image.height()) != (width, height):
        sys.exit(f"window stage: {path} is not a screen picture ({image.width()}x{image.height()})")
    step = 9
    colours = {image.pixel(x, y) for x in range(0, image.width(), step)
               for y in range(0, image.height(), step)}
    if len(colours) < 24:
        sys.exit(f"window stage: {path} is nearly blank ({len(colours)} colours)")
    print(f"window stage: {path}: {width}x{height}, {len(colours)} colours sampled")
EOF
echo "== window stage passed"
