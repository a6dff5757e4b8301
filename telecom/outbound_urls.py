"""The outbound-URL policy: where Hatid may send a request whose URL a person or
a callback supplied (a partner's webhook, which keyword rules, USSD menus and
voice flows call; a fax document a Hoiio notification links to; anything
later). Provider base URLs from settings are the operator's and are not
subject to it.

A URL passes when:

- it is http or https with a host, and has no userinfo (`user@`), backslash,
  whitespace or control character anywhere: parsers disagree on those
  (`urlsplit` reads `http://127.0.0.2\\@secure.hoiio.com/` as secure.hoiio.com,
  urllib3 connects to 127.0.0.2), and the host that requests will connect to
  must be the host checked here;
- every address its host resolves to is public: not loopback, private,
  link-local, shared (100.64/10), multicast, reserved or unspecified, IPv4 or
  IPv6 (an IPv4-mapped, 6to4 or NAT64 address is judged by the IPv4 address
  inside it), unless the address is in `OUTBOUND_URL_ALLOWED_NETWORKS` or the
  host, as written in the URL, is in `OUTBOUND_URL_ALLOWED_HOSTS`.

It is enforced at save, by `validate_outbound_url` (the validator of every
`telecom.fields.OutboundURLField`, so the admin and the API answer with a
field error), and at send, by `GuardedAdapter`: its connections resolve the
host themselves, check every address, and connect only to an address they
checked, so a name that was public when saved and points at 127.0.0.1 when
sent (DNS rebinding) is refused. They never go through a proxy (the proxy
would resolve the name, unchecked). Redirects are not followed
(`telecom.http.ProviderClient` refuses a 3xx from such a URL). A refusal at
send is `OutboundUrlRefused`, a `PermanentError`: the delivery fails with the
reason and is not retried.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util import connection, parse_url

from telecom.errors import PermanentError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundUrlRefused(PermanentError):
    """A URL the outbound-URL policy refuses: nothing was sent, and nothing will be."""

    def __init__(self, reason: str, **kwargs):
        super().__init__(f"URL refused: {reason}", **kwargs)
        self.refusal = reason


# --- the URL as written ---------------------------------------------------------


def check_syntax(url: str) -> SplitResult:
    """The URL split, or `OutboundUrlRefused` if its form is not allowed."""
    if not isinstance(url, str) or not url:
        raise OutboundUrlRefused("no URL")
    if "\\" in url:
        raise OutboundUrlRefused("a backslash in the URL")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise OutboundUrlRefused("a space or control character in the URL")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise OutboundUrlRefused("only http and https URLs")
    if "@" in parts.netloc:
        raise OutboundUrlRefused("a user name or password in the URL")
    host = parts.hostname or ""
    if not host:
        raise OutboundUrlRefused("no host in the URL")
    if not host.isascii() or "%" in host:
        raise OutboundUrlRefused("a host that is not plain ASCII (write its punycode form)")
    try:
        parts.port  # noqa: B018 (raises on a malformed port)
        connected = (parse_url(url).host or "").strip("[]").lower()
    except (ValueError, LocationParseError):
        raise OutboundUrlRefused("a malformed host or port") from None
    if connected != host:
        raise OutboundUrlRefused(f"an ambiguous host ({host!r} or {connected!r})")
    return parts


# --- the addresses ----------------------------------------------------------------


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


_KINDS = (
    ("unspecified", "is_unspecified"),
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("reserved", "is_reserved"),
    ("private", "is_private"),
)


def refusal(ip: IPAddress) -> str | None:
    """Why Hatid may not connect to this address, or None when it may."""
    judged = _embedded_ipv4(ip) or ip
    if any(judged in network or ip in network for network in allowed_networks()):
        return None
    inside = f" ({judged} inside)" if judged is not ip else ""
    for kind, test in _KINDS:
        if getattr(judged, test):
            return f"a {kind} address{inside}"
    if not judged.is_global:
        return f"not a public address{inside}"
    return None


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def allowed_networks() -> tuple:
    return _networks(tuple(settings.OUTBOUND_URL_ALLOWED_NETWORKS))


def _host_allowed(host: str) -> bool:
    allowed = {name.strip("[]").lower().rstrip(".") for name in settings.OUTBOUND_URL_ALLOWED_HOSTS}
    return host.strip("[]").lower().rstrip(".") in allowed


def checked_addresses(host: str, port: int) -> list[str]:
    """Resolve `host` and check every address it has; the addresses, in the
    resolver's order. Raises `OutboundUrlRefused` if any is not allowed (one bad
    answer is enough: a resolver that returns a public and a private address
    must not get the private one tried when the public one fails), and
    `socket.gaierror` when the name does not resolve."""
    host = host.strip("[]")
    infos = socket.getaddrinfo(host, port, connection.allowed_gai_family(), socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if _host_allowed(host):
        return addresses
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        why = refusal(ip)
        if why:
            said = f"{host} is {why}" if host == address else f"{host} resolves to {ip}, {why}"
            raise OutboundUrlRefused(said)
    return addresses


def check_url(url: str) -> None:
    """The whole policy, now: the form, then every address the host resolves to.
    A host that does not resolve passes (it is checked again when used)."""
    parts = check_syntax(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    with contextlib.suppress(socket.gaierror, UnicodeError):
        checked_addresses(parts.hostname, port)


def validate_outbound_url(value: str) -> None:
    """Django validator of `OutboundURLField`: the policy's refusal as a field error."""
    if not value:
        return
    try:
        check_url(value)
    except OutboundUrlRefused as exc:
        raise ValidationError(
            "Hatid may not send requests there: %(reason)s.",
            code="outbound_url",
            params={"reason": exc.refusal},
        ) from None


# --- the connections ----------------------------------------------------------------


class _CheckedConnect:
    """Resolve, check, and connect to a checked address (never resolve twice)."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = checked_addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        error: OSError | None = None
        for address in addresses:
            try:
                return connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as exc:
                error = exc
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from error
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error


class CheckedHTTPConnection(_CheckedConnect, HTTPConnection):
    pass


class CheckedHTTPSConnection(_CheckedConnect, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests transport whose every connection obeys the policy (module docstring)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise OutboundUrlRefused("requests to supplied URLs never go through a proxy")
