"""What goes into the PyInstaller build of smmdesk, and what is trimmed out (smmdesk.spec).

Kept apart from the spec so the rules read (and test) as plain Python:
- names: the two programs, the macOS bundle identifier, the icons per platform;
- imports PyInstaller cannot see: smmdesk's own modules (the CLI loads its commands by
  name), the demo panel's uvicorn parts (uvicorn imports its protocol, loop and lifespan
  classes from strings), the keyring backends of each platform;
- exclusions: other Qt bindings (two bindings abort the build), Qt for the CLI;
- trimming: Qt plugins smmdesk never loads (the GTK3 theme plugin alone drags ~38 MB of GTK
  libraries in), Qt's translations but the standard buttons' (``qtbase_<lang>.qm``) of the
  languages smmdesk ships, and Babel's CLDR data but those languages' (~32 MB -> ~2 MB);
- smmdesk's own translation catalogs (``smmdesk/locale``), for the GUI and the CLI alike.

Plugins are filtered where PyInstaller's Qt hooks collect them (``install_plugin_filter``),
so the libraries only they need never enter the dependency analysis; ``trim_binaries`` is
the same rule applied to the result as a safety net.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

# The languages smmdesk ships (smmdesk.core.i18n.LANGUAGES, kept in step by
# tests/test_packaging.py): the translations and locale data the build keeps.
SHIPPED_LANGUAGES = ("en", "ru", "tr", "pt_BR", "es", "id", "hi", "ar")
LOCALE_DEST = "smmdesk/locale"

APP_NAME = "smmdesk"
CLI_NAME = "smmdesk-cli"
BUNDLE_IDENTIFIER = "app.smmdesk.desktop"
ONEFILE_ENV = "SMMDESK_ONEFILE"
MACOS_TAG = re.compile(r"macosx_(\d+)_(\d+)_")

ICONS = {"win32": "smmdesk.ico", "darwin": "smmdesk.icns", "linux": "smmdesk.png"}
# resources/ goes into the bundle at smmdesk/resources, where an installed package keeps it.
RESOURCES_DEST = "smmdesk/resources"
NOT_BUNDLED_RESOURCES = re.compile(r"^screenshot.*", re.IGNORECASE)

OTHER_QT_BINDINGS = ("PyQt5", "PyQt6", "PySide2")
# Never used by the programs; pulled in by optional imports (httpx's CLI, uvicorn's config
# files, anyio's test runner and trio backend, cffi's build helpers) or by test tools.
UNUSED_MODULES = (
    "tkinter", "_tkinter", "turtle", "pydoc_data", "lib2to3", "IPython",
    "setuptools", "pkg_resources", "distutils", "_distutils_hack",
    "pytest", "_pytest", "hypothesis", "pygments", "rich", "jinja2",
    "trio", "yaml", "dotenv",
    # rapidfuzz falls back to its baseline build when the AVX2 one is absent (~5 MB)
    "rapidfuzz.fuzz_cpp_avx2", "rapidfuzz.distance.metrics_cpp_avx2",
)  # fmt: skip
# The CLI never imports Qt (design.md: cli -> core, never ui).
QT_MODULES = ("PySide6", "shiboken6", "qasync", *OTHER_QT_BINDINGS)
CLI_EXCLUDED = (*QT_MODULES, "smmdesk.ui", "smmdesk.app", "smmdesk.selftest")

# uvicorn.Config resolves these from strings (config.py: HTTP_PROTOCOLS, WS_PROTOCOLS,
# LIFESPAN, LOOP_FACTORIES) and its log config names formatters by string.
DEMO_PANEL_IMPORTS = (
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.websockets.auto",
    "uvicorn.lifespan.off",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.logging",
)

# keyring finds backends through entry points (PyInstaller's keyring hook copies them);
# these make sure each platform's backend and what it imports lazily are in the bundle.
_KEYRING_COMMON = ("keyring.backends.fail", "keyring.backends.chainer", "keyring.backends.null")
KEYRING_IMPORTS = {
    "win32": ("keyring.backends.Windows", "win32ctypes.pywin32.win32cred", "win32ctypes.core"),
    "darwin": ("keyring.backends.macOS", "keyring.backends.macOS.api"),
    "linux": (
        "keyring.backends.SecretService",
        "secretstorage",
        "jeepney.io.blocking",
    ),
}

# Qt plugins: a type listed here keeps only the plugins named (an allow-list); DROPPED names
# plugins to leave out of a type otherwise kept; DROPPED_TYPES are left out whole.
KEPT = {
    # the native one of each platform, and "offscreen" for --self-test and screenshots
    "platforms": ("qxcb", "qwayland", "qwindows", "qcocoa", "qoffscreen"),
}
DROPPED = {
    "platformthemes": ("qgtk3",),  # drags GTK 3, pango, cairo, atk...: ~38 MB
    "platforminputcontexts": ("qtvirtualkeyboardplugin",),
    "imageformats": ("qpdf", "qtiff", "qwebp", "qtga", "qwbmp"),
}
DROPPED_TYPES = ("generic", "egldeviceintegrations", "qmltooling", "designer", "sqldrivers")


def platform_key(platform: str) -> str:
    """``sys.platform`` as a key of the tables above: win32, darwin or linux."""
    if platform.startswith("win"):
        return "win32"
    return "darwin" if platform == "darwin" else "linux"


def keyring_imports(platform: str) -> list[str]:
    """The keyring modules the build for ``platform`` must contain."""
    return [*_KEYRING_COMMON, *KEYRING_IMPORTS[platform_key(platform)]]


def icon_file(resources: Path, platform: str) -> Path:
    """The icon the executables of ``platform`` carry."""
    return resources / ICONS[platform_key(platform)]


def resource_datas(resources: Path) -> list[tuple[str, str]]:
    """(source, destination folder) pairs for every bundled file of ``resources``."""
    return [
        (str(path), RESOURCES_DEST)
        for path in sorted(resources.iterdir())
        if path.is_file() and not NOT_BUNDLED_RESOURCES.match(path.name)
    ]


def plugin_name(filename: str) -> str:
    """A Qt plugin's name without "lib" prefix and extension: libqxcb.so -> qxcb."""
    name = PurePosixPath(filename.replace("\\", "/")).name.split(".")[0]
    return name[3:] if name.startswith("lib") else name


def keep_plugin(plugin_type: str, filename: str) -> bool:
    """Whether the Qt plugin ``filename`` of ``plugin_type`` belongs in the bundle."""
    kind = plugin_type.split("/")[0]
    name = plugin_name(filename)
    if kind in DROPPED_TYPES:
        return False
    if kind in KEPT:
        return any(name.startswith(kept) for kept in KEPT[kind])
    return name not in DROPPED.get(kind, ())


def _plugin_of(dest: str) -> tuple[str, str] | None:
    """(plugin type, file name) when ``dest`` lies in Qt's plugins folder, else None."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if "PySide6" not in parts or "plugins" not in parts:
        return None
    index = parts.index("plugins")
    if len(parts) < index + 3:
        return None
    return "/".join(parts[index + 1 : -1]), parts[-1]


def trim_binaries(toc: Iterable[tuple]) -> list[tuple]:
    """The binaries of an Analysis without the Qt plugins ``keep_plugin`` refuses."""
    kept = []
    for entry in toc:
        plugin = _plugin_of(entry[0])
        if plugin is None or keep_plugin(*plugin):
            kept.append(entry)
    return kept


def is_qt_translation(dest: str) -> bool:
    """Whether ``dest`` is one of Qt's translation files (PySide6/[Qt/]translations/*.qm)."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    return "PySide6" in parts and "translations" in parts


def kept_qt_translation(dest: str) -> bool:
    """Qt's translation of its standard dialogs and buttons for a shipped language."""
    name = PurePosixPath(dest.replace("\\", "/")).name
    return name in {f"qtbase_{language}.qm" for language in SHIPPED_LANGUAGES}


def babel_locale_names() -> set[str]:
    """The CLDR files (``babel/locale-data/<name>.dat``) the shipped languages read: each
    language, its parent ("pt" of "pt_BR") and the root every locale inherits from."""
    names = {"root"}
    for language in SHIPPED_LANGUAGES:
        names |= {language, language.split("_")[0]}
    return names


def is_unused_locale_data(dest: str) -> bool:
    """Whether ``dest`` is CLDR data of Babel for a language smmdesk does not ship."""
    path = PurePosixPath(dest.replace("\\", "/"))
    if "babel" not in path.parts or "locale-data" not in path.parts:
        return False
    return path.suffix == ".dat" and path.stem not in babel_locale_names()


def trim_datas(toc: Iterable[tuple]) -> list[tuple]:
    """The data files of an Analysis without Qt's translations (but the shipped languages'
    standard buttons) and without Babel's data for other languages."""
    return [
        entry
        for entry in toc
        if not (is_qt_translation(entry[0]) and not kept_qt_translation(entry[0]))
        and not is_unused_locale_data(entry[0])
    ]


def locale_datas(locale_dir: Path) -> list[tuple[str, str]]:
    """(source, destination folder) pairs for smmdesk's compiled catalogs (``.mo``)."""
    return [
        (str(path), f"{LOCALE_DEST}/{path.parent.relative_to(locale_dir).as_posix()}")
        for path in sorted(locale_dir.glob("*/LC_MESSAGES/*.mo"))
    ]


def install_plugin_filter() -> None:
    """Make PyInstaller's Qt hooks collect only the plugins ``keep_plugin`` accepts.

    PyInstaller has no option for this; its hooks call ``QtLibraryInfo.collect_plugins``
    (PyInstaller 6), so the filter wraps that method. Libraries needed only by a dropped
    plugin are then never collected. If the method is missing (another PyInstaller), the
    build goes on and ``trim_binaries`` still drops the plugins themselves."""
    from PyInstaller.utils.hooks import qt

    info = getattr(qt, "QtLibraryInfo", None)
    original = getattr(info, "collect_plugins", None)
    if original is None or getattr(original, "smmdesk_filtered", False):
        return

    def collect_plugins(self, plugin_type):  # type: ignore[no-untyped-def]
        collected = original(self, plugin_type)
        return [(src, dst) for src, dst in collected if keep_plugin(plugin_type, src)]

    collect_plugins.smmdesk_filtered = True  # type: ignore[attr-defined]
    info.collect_plugins = collect_plugins


def macos_minimum(wheel_metadata: str) -> str | None:
    """The oldest macOS a wheel runs on, from its WHEEL file ("Tag: ...-macosx_13_0_...")."""
    versions = [(int(major), int(minor)) for major, minor in MACOS_TAG.findall(wheel_metadata)]
    return "{}.{}".format(*max(versions)) if versions else None


def qt_macos_minimum() -> str | None:
    """The oldest macOS the installed PySide6 (and so the app) runs on; None off macOS."""
    from importlib.metadata import PackageNotFoundError, distribution

    for name in ("PySide6-Essentials", "PySide6"):
        try:
            return macos_minimum(distribution(name).read_text("WHEEL") or "")
        except PackageNotFoundError:
            continue
    return None


def windows_version_info(version: str, program: str):  # -> VSVersionInfo (Windows only)
    """The version resource of the Windows executable ``program`` (Explorer's "Details")."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = [int(part) for part in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    strings = [
        vi.StringStruct("CompanyName", APP_NAME),
        vi.StringStruct("FileDescription", f"{program}: orders across SMM panels"),
        vi.StringStruct("FileVersion", version),
        vi.StringStruct("ProductName", APP_NAME),
        vi.StringStruct("ProductVersion", version),
        vi.StringStruct("OriginalFilename", f"{program}.exe"),
    ]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=tuple(numbers), prodvers=tuple(numbers)),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", strings)]),
            vi.VarFileInfo([vi.VarStruct("Translation", [1033, 1200])]),
        ],
    )
