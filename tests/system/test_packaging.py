"""Packaging: the self-test from source, the PyInstaller spec and its rules, the icons.

The build itself (a minute of PyInstaller) runs in CI's packaging stage
(packaging/ci_smoke.sh) and in tests/benchmarks/bench_package.py, not here.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage, QImageReader

from smmdesk import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
SPEC = PACKAGING / "smmdesk.spec"


def load(name: str) -> ModuleType:
    """packaging/<name>.py as a module (packaging/ is no package: PyPI owns that name)."""
    path = PACKAGING / name
    spec = importlib.util.spec_from_file_location(f"smmdesk_packaging_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rules() -> ModuleType:
    return load("bundle_rules.py")


@pytest.fixture(scope="module")
def icons() -> ModuleType:
    return load("make_icons.py")


# --- the self-test, from source, as a user runs it -----------------------------------------


def self_test(tmp_path: Path, *args: str, backend: str) -> tuple[subprocess.CompletedProcess, str]:
    report = tmp_path / "report.txt"
    env = dict(os.environ)
    env.pop("SMMDESK_DATA_DIR", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND=backend,
        SMMDESK_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"),
    )
    command = [sys.executable, "-m", "smmdesk", "--self-test", "--report", str(report), *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    return done, report.read_text(encoding="utf-8") if report.exists() else ""


def test_self_test_passes_and_reports_every_check(tmp_path: Path) -> None:
    done, report = self_test(tmp_path, backend="tests.helpers.keyrings.FileKeyring")
    assert done.returncode == 0, done.stdout + done.stderr
    assert report == done.stdout  # --report writes what was printed
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"smmdesk {__version__} self-test (from source;")
    for check in ("window: main window shown", f"icon: smmdesk.png found at {RESOURCES}",
                  "panel: demo panel at http://127.0.0.1:",
                  "order: order #1 placed", "window: the orders view lists order #1",
                  "sqlite: order #1 read back from smmdesk.sqlite3"):  # fmt: skip
        assert any(line.startswith(f"  ok    {check}") for line in lines), (check, lines)
    assert "  ok    keyring: tests.helpers.keyrings.FileKeyring found and usable" in lines
    assert lines[-1].startswith("self-test passed in ")
    # the demo key went to the self-test's own memory, never to the system keyring
    assert not (tmp_path / "keyring.json").exists()


def test_self_test_reports_an_unusable_keyring_and_fails_only_when_required(
    tmp_path: Path,
) -> None:
    done, _ = self_test(tmp_path, backend="keyring.backends.fail.Keyring")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "  info  keyring: keyring.backends.fail.Keyring found, not usable: No usable system "
        "keyring was found on this computer." in done.stdout.splitlines()
    )

    done, report = self_test(
        tmp_path, "--require-keyring", "--timing", backend="keyring.backends.fail.Keyring"
    )
    assert done.returncode == 1
    assert "  FAIL  keyring: keyring.backends.fail.Keyring found, not usable" in report
    assert report.splitlines()[-1].startswith("self-test FAILED (keyring) in ")
    timing = [line for line in report.splitlines() if "window-ready-epoch: " in line]
    assert len(timing) == 1 and float(timing[0].rsplit(" ", 1)[1]) > 1.6e9


def test_both_launchers_answer_version() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # as the spec's pathex: the checkout's code
    for script, name in (("launch_gui.py", "smmdesk"), ("launch_cli.py", "smmdesk-cli")):
        done = subprocess.run(
            [sys.executable, str(PACKAGING / script), "--version"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"{name} {__version__}"


# --- the spec and its rules ----------------------------------------------------------------


def spec_names() -> set[str]:
    """Every name, attribute, keyword and string constant the spec mentions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        elif isinstance(node, ast.ImportFrom):
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_spec_parses_and_names_what_it_must() -> None:
    names = spec_names()
    wanted = {
        "launch_gui.py", "launch_cli.py",  # the two programs ...
        "APP_NAME", "CLI_NAME", "COLLECT",  # ... sharing one folder
        "BUNDLE", "bundle_identifier", "BUNDLE_IDENTIFIER", "info_plist",  # macOS ...
        "LSBackgroundOnly",  # ... a foreground app though smmdesk-cli is a console program
        "smmdesk.__version__", "version",  # the version from the package
        "icon", "icon_file", "resource_datas",  # icons per platform, resources
        "console", "exclude_binaries", "ONEFILE_ENV",  # windowed onedir; onefile as option
        "OTHER_QT_BINDINGS", "CLI_EXCLUDED", "excludes",
        "DEMO_PANEL_IMPORTS", "keyring_imports", "collect_submodules", "hiddenimports",
        "install_plugin_filter", "trim_binaries", "trim_datas",
    }  # fmt: skip
    assert wanted <= names, sorted(wanted - names)
    for launcher in ("launch_gui.py", "launch_cli.py"):
        assert (PACKAGING / launcher).is_file()


def test_rules_name_the_bundle_and_exclude_other_qt_bindings(rules: ModuleType) -> None:
    assert (rules.APP_NAME, rules.CLI_NAME) == ("smmdesk", "smmdesk-cli")
    assert rules.BUNDLE_IDENTIFIER == "app.smmdesk.desktop"
    assert {"PyQt5", "PyQt6", "PySide2"} <= set(rules.OTHER_QT_BINDINGS)
    assert {"PySide6", "qasync", "smmdesk.ui", "PyQt5"} <= set(rules.CLI_EXCLUDED)


def test_the_macos_minimum_comes_from_the_qt_wheel(rules: ModuleType) -> None:
    wheel = "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp39-abi3-macosx_13_0_universal2\n"
    assert rules.macos_minimum(wheel) == "13.0"
    assert rules.macos_minimum("Tag: cp39-abi3-macosx_11_0_arm64\nTag: x-macosx_12_3_x86_64") == (
        "12.3"
    )
    assert rules.macos_minimum("Tag: cp310-abi3-manylinux_2_34_x86_64\n") is None


def test_rules_bring_each_platforms_keyring_backend(rules: ModuleType) -> None:
    assert "keyring.backends.Windows" in rules.keyring_imports("win32")
    assert "keyring.backends.macOS" in rules.keyring_imports("darwin")
    linux = rules.keyring_imports("linux")
    assert {"keyring.backends.SecretService", "secretstorage"} <= set(linux)
    for module in linux:  # this is a Linux machine: each must exist to be bundled
        importlib.import_module(module)
    for platform in ("win32", "darwin"):  # keyring's own modules are there on every system
        for module in rules.keyring_imports(platform):
            if module.startswith("keyring."):
                assert importlib.util.find_spec(module) is not None, module


def test_rules_name_the_demo_panels_dynamic_imports(rules: ModuleType) -> None:
    import uvicorn.config

    dynamic = {
        uvicorn.config.HTTP_PROTOCOLS["auto"].split(":")[0],
        uvicorn.config.WS_PROTOCOLS["auto"].split(":")[0],
        uvicorn.config.LIFESPAN["off"].split(":")[0],
    }
    assert dynamic <= set(rules.DEMO_PANEL_IMPORTS)
    for module in rules.DEMO_PANEL_IMPORTS:
        importlib.import_module(module)


@pytest.mark.parametrize(
    ("plugin_type", "filename", "kept"),
    [
        ("platforms", "/qt/plugins/platforms/libqxcb.so", True),
        ("platforms", "/qt/plugins/platforms/libqwayland.so", True),
        ("platforms", "/qt/plugins/platforms/libqoffscreen.so", True),
        ("platforms", "C:\\qt\\plugins\\platforms\\qwindows.dll", True),
        ("platforms", "/qt/plugins/platforms/libqcocoa.dylib", True),
        ("platforms", "/qt/plugins/platforms/libqeglfs.so", False),
        ("platforms", "/qt/plugins/platforms/libqvnc.so", False),
        ("platformthemes", "/qt/plugins/platformthemes/libqgtk3.so", False),
        ("platformthemes", "/qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("imageformats", "/qt/plugins/imageformats/libqpdf.so", False),
        ("imageformats", "/qt/plugins/imageformats/libqico.so", True),
        ("imageformats", "C:\\qt\\plugins\\imageformats\\qsvg.dll", True),
        ("platforminputcontexts", "/p/libqtvirtualkeyboardplugin.so", False),
        ("generic", "/qt/plugins/generic/libqevdevmouseplugin.so", False),
        ("styles", "/qt/plugins/styles/libqmacstyle.dylib", True),
    ],
)
def test_unused_qt_plugins_are_trimmed(
    rules: ModuleType, plugin_type: str, filename: str, kept: bool
) -> None:
    assert rules.keep_plugin(plugin_type, filename) is kept


def test_trimming_an_analysis_drops_plugins_and_translations_only(rules: ModuleType) -> None:
    binaries = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6\\plugins\\platforms\\qminimal.dll", "C:\\src\\qminimal.dll", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("libssl.so.3", "/usr/lib/libssl.so.3", "BINARY"),
    ]
    assert [entry[0] for entry in rules.trim_binaries(binaries)] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "libssl.so.3",
    ]
    datas = [
        ("PySide6/Qt/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
        ("PySide6\\translations\\qtbase_fr.qm", "C:\\src\\qtbase_fr.qm", "DATA"),
        ("smmdesk/resources/smmdesk.png", "/src/smmdesk.png", "DATA"),
        ("certifi/cacert.pem", "/src/cacert.pem", "DATA"),
    ]
    assert [entry[0] for entry in rules.trim_datas(datas)] == [
        "smmdesk/resources/smmdesk.png",
        "certifi/cacert.pem",
    ]


def test_the_build_keeps_translations_and_locale_data_of_shipped_languages_only(
    rules: ModuleType,
) -> None:
    from smmdesk.core.i18n import LANGUAGES

    assert set(rules.SHIPPED_LANGUAGES) == set(LANGUAGES)
    datas = [
        ("PySide6/Qt/translations/qtbase_ru.qm", "/src/qtbase_ru.qm", "DATA"),
        ("PySide6/Qt/translations/qtbase_pt_BR.qm", "/src/qtbase_pt_BR.qm", "DATA"),
        ("PySide6/Qt/translations/qt_ru.qm", "/src/qt_ru.qm", "DATA"),
        ("PySide6/Qt/translations/designer_ru.qm", "/src/designer_ru.qm", "DATA"),
        ("PySide6\\translations\\qtbase_ar.qm", "C:\\src\\qtbase_ar.qm", "DATA"),
        ("babel/locale-data/ru.dat", "/src/ru.dat", "DATA"),
        ("babel/locale-data/pt.dat", "/src/pt.dat", "DATA"),
        ("babel/locale-data/pt_BR.dat", "/src/pt_BR.dat", "DATA"),
        ("babel/locale-data/pt_PT.dat", "/src/pt_PT.dat", "DATA"),
        ("babel/locale-data/root.dat", "/src/root.dat", "DATA"),
        ("babel/locale-data/de.dat", "/src/de.dat", "DATA"),
        ("babel/locale-data/ru_UA.dat", "/src/ru_UA.dat", "DATA"),
        ("babel/global.dat", "/src/global.dat", "DATA"),
    ]
    assert [entry[0] for entry in rules.trim_datas(datas)] == [
        "PySide6/Qt/translations/qtbase_ru.qm",
        "PySide6/Qt/translations/qtbase_pt_BR.qm",
        "PySide6\\translations\\qtbase_ar.qm",
        "babel/locale-data/ru.dat",
        "babel/locale-data/pt.dat",
        "babel/locale-data/pt_BR.dat",
        "babel/locale-data/root.dat",
        "babel/global.dat",
    ]


def test_the_catalogs_go_where_the_package_keeps_them(rules: ModuleType) -> None:
    from smmdesk.core.i18n import LANGUAGES, LOCALE_DIR

    datas = rules.locale_datas(LOCALE_DIR)
    assert {dest for _source, dest in datas} == {
        f"smmdesk/locale/{language}/LC_MESSAGES" for language in LANGUAGES if language != "en"
    }
    assert all(source.endswith("smmdesk.mo") for source, _dest in datas)
    assert "locale_datas" in spec_names()


def test_resources_go_where_an_installed_package_keeps_them(
    rules: ModuleType, tmp_path: Path
) -> None:
    for name in ("smmdesk.png", "smmdesk.ico", "screenshot.png"):
        (tmp_path / name).write_bytes(b"x")
    assert rules.resource_datas(tmp_path) == [
        (str(tmp_path / "smmdesk.ico"), "smmdesk/resources"),
        (str(tmp_path / "smmdesk.png"), "smmdesk/resources"),
    ]
    icons = {platform: rules.icon_file(RESOURCES, platform) for platform in ("win32", "darwin")}
    assert icons == {"win32": RESOURCES / "smmdesk.ico", "darwin": RESOURCES / "smmdesk.icns"}
    assert all(path.is_file() for path in icons.values())


# --- the icons -----------------------------------------------------------------------------


def read_all(path: Path) -> list[QImage]:
    reader = QImageReader(str(path))
    images = []
    for number in range(reader.imageCount()):
        assert reader.jumpToImage(number)
        images.append(reader.read())
    return images


def assert_looks_like_the_icon(image: QImage, size: int) -> None:
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.pixelColor(0, 0).alpha() == 0  # rounded corner: transparent
    assert image.pixelColor(size // 2, size // 2).alpha() == 255  # the tile: opaque


@pytest.mark.parametrize(("name", "size"), [("smmdesk.png", 256), ("smmdesk-512.png", 512)])
def test_png_icons_load(name: str, size: int) -> None:
    assert_looks_like_the_icon(QImage(str(RESOURCES / name)), size)


def test_ico_holds_every_windows_size(icons: ModuleType) -> None:
    data = (RESOURCES / "smmdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for number in range(count):
        width, _, _, _, _, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * number
        )
        size = icons.ICO_SIZES[number]
        assert width == (0 if size == 256 else size)  # 0 stands for 256
        assert bits == 32 and offset + length <= len(data)
    images = read_all(RESOURCES / "smmdesk.ico")
    assert [image.width() for image in images] == list(icons.ICO_SIZES)
    for image in images:
        assert_looks_like_the_icon(image, image.width())


def test_icns_container_is_well_formed() -> None:
    data = (RESOURCES / "smmdesk.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries: dict[bytes, QImage] = {}
    offset = 8
    while offset < len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack(">I", data[offset + 4 : offset + 8])
        assert length > 8 and offset + length <= len(data)
        payload = data[offset + 8 : offset + length]
        assert payload[:8] == b"\x89PNG\r\n\x1a\n"
        entries[kind] = QImage.fromData(payload, "PNG")
        offset += length
    assert offset == len(data)
    assert {kind: image.width() for kind, image in entries.items()} == {
        b"ic07": 128,
        b"ic08": 256,
        b"ic09": 512,
    }
    for image in entries.values():
        assert_looks_like_the_icon(image, image.width())
    assert [image.width() for image in read_all(RESOURCES / "smmdesk.icns")] == [128, 256, 512]


def mean_difference(first: QImage, second: QImage) -> float:
    a = first.convertToFormat(QImage.Format.Format_RGBA8888)
    b = second.convertToFormat(QImage.Format.Format_RGBA8888)
    assert (a.width(), a.height()) == (b.width(), b.height())
    left, right = bytes(a.constBits()), bytes(b.constBits())
    return sum(abs(x - y) for x, y in zip(left, right, strict=True)) / len(left)


def test_committed_icons_are_what_make_icons_draws(icons: ModuleType, tmp_path: Path) -> None:
    written = {path.name for path in icons.write_icons(tmp_path)}
    assert written == {"smmdesk.png", "smmdesk-512.png", "smmdesk.ico", "smmdesk.icns"}
    for name in ("smmdesk.png", "smmdesk-512.png"):
        fresh, committed = QImage(str(tmp_path / name)), QImage(str(RESOURCES / name))
        assert mean_difference(fresh, committed) < 1.0, f"run packaging/make_icons.py ({name})"
    fresh_sizes = [image.width() for image in read_all(tmp_path / "smmdesk.ico")]
    assert fresh_sizes == [image.width() for image in read_all(RESOURCES / "smmdesk.ico")]
