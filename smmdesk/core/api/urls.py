"""Panel API URL checks: which URLs smmdesk agrees to send an API key to.

The user gives the full API URL (``https://panel.example/api/v2``). The key travels in the
POST body, so the URL must be HTTPS (plain HTTP only to this computer), carry no query
string, fragment or credentials. Error texts never repeat the URL: a pasted URL may hold
the key itself.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from smmdesk.core.errors import PanelAddressRefused
from smmdesk.core.i18n import _

Origin = tuple[str, str, int]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (the demo panel and local tests)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_panel_url(url: str) -> str:
    """Return ``url`` (trimmed) when smmdesk may use it as a panel API URL.

    Raises ConfigError with a sentence saying what is wrong and what to do.
    """
    if not isinstance(url, str) or not url.strip():
        raise PanelAddressRefused(
            _(
                "The panel's API URL is empty. Copy the API URL from the panel's API page "
                "(for example https://panel.example/api/v2)."
            )
        )
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise PanelAddressRefused(
            _(
                "The panel's API URL is not a valid web address. Copy the API URL from the "
                "panel's API page (for example https://panel.example/api/v2)."
            )
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise PanelAddressRefused(
            _(
                "The panel's API URL must start with https:// and name the panel's site. Copy "
                "the API URL from the panel's API page (for example https://panel.example/api/v2)."
            )
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise PanelAddressRefused(
            _(
                "The panel's API URL must not contain a user name or password. Remove the part "
                "before '@'; smmdesk sends the API key separately."
            )
        )
    if parts.query or "?" in url:
        raise PanelAddressRefused(
            _(
                "The panel's API URL must not contain a query string (the part after '?'). "
                "Remove it; smmdesk sends the API key and the action itself."
            )
        )
    if parts.fragment or "#" in url:
        raise PanelAddressRefused(_("The panel's API URL must not contain a '#' part. Remove it."))
    if scheme == "http" and not is_loopback(parts.hostname):
        raise PanelAddressRefused(
            _(
                "The panel's API URL uses plain http://, which would send your API key "
                "unencrypted. Use the https:// address of the panel."
            )
        )
    if port == 0:
        raise PanelAddressRefused(
            _(
                "The panel's API URL has an invalid port. Copy the API URL from the panel's "
                "API page (for example https://panel.example/api/v2)."
            )
        )
    return url


def origin(url: str) -> Origin:
    """(scheme, host, port) of ``url``: the unit a panel counts requests by.

    Two panels on one host but different ports are two origins.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, host, port or _DEFAULT_PORTS.get(scheme, 0)


def api_variants(url: str) -> list[str]:
    """``url`` first, then the usual other addresses of a panel's API on the same site:
    /api/v2 <-> /api/v1, the API paths added to a bare site address, without a trailing
    slash. Only the path changes, so the key goes to no other site."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    paths = [path]
    if path.endswith("/api/v2"):
        paths.append(path[:-1] + "1")
    elif path.endswith("/api/v1"):
        paths.append(path[:-1] + "2")
    elif path.endswith("/api"):
        paths += [path + "/v2", path + "/v1"]
    else:
        paths += [path + "/api/v2", path + "/api/v1"]
    found = [urlunsplit((parts.scheme, parts.netloc, p, "", "")) for p in paths]
    return list(dict.fromkeys([url.strip(), *found]))
