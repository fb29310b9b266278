"""The one way out: every request to a URL an owner or operator configured (webhooks, the
messenger gateway, the payment provider) goes through `client()`.

A configured URL makes our server open a connection, so pointed at a private address it would
reach into our own network (metadata services, databases, admin ports) and tell the owner
what answered there. The client's network backend therefore resolves the host once per
connection, refuses it unless every address is public, and connects to exactly an address it
checked: DNS cannot answer differently between the check and the connect (rebinding), and a
redirect is a new connection that is checked the same way. Addresses are judged in every
family, IPv4 inside IPv6 included (mapped, compatible, NAT64, 6to4, SIIT, Teredo), and
numeric IPv4 aliases (`2130706433`, `0x7f.1`, `127.1`) are what the resolver makes of them.

Whatever went wrong before an HTTP answer (refused address, no DNS answer, nothing listening,
a timeout), the owner reads one neutral message, so the product is no port scanner.

An operator whose receivers sit on a private network allows that with
STAMPHUB_WEBHOOKS_PRIVATE=1 (everything), or STAMPHUB_EGRESS_ALLOW=10.0.5.0/24,… (these
networks only).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from urllib.parse import urlsplit

import httpcore
import httpx

from hub.config import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

UNREACHABLE = (
    "Stamphub could not reach this address. It must be a public internet address with a server answering there."
)
NOT_PUBLIC = "Use a public internet address: {host} is a private or local address."

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible ::a.b.c.d, :: and ::1
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")


class Refused(httpx.ConnectError):
    """The host is not a public address: never worth a retry, and nothing was sent."""

    permanent = True


def private_allowed() -> bool:
    return settings().outbound.webhooks_private


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in settings().outbound.egress_allow.split(","):
        if item.strip():
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
    return networks


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in _NAT64 or ip in _SIIT:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public internet; an IPv6 address carrying an IPv4 one is
    judged by the IPv4 address it reaches."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        if (embedded := _embedded_ipv4(ip)) is not None:
            return is_public(embedded)
        if ip in _COMPATIBLE or ip in _NAT64_LOCAL or ip.teredo:
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def allowed(ip: IPAddress) -> bool:
    """Whether a connection to `ip` may be opened: public, or let in by the operator."""
    if private_allowed() or is_public(ip):
        return True
    return any(ip.version == net.version and ip in net for net in _allowed_networks())


def literal_address(host: str) -> IPAddress | None:
    """The address a host names by itself: `[::1]`, `10.0.0.1`, and the numeric IPv4 aliases
    that resolvers accept (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`)."""
    name = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    if name and name[0].isdigit() and all(c in "0123456789abcdefxABCDEFX." for c in name):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    return None


def refused_host(host: str) -> str | None:
    """For a URL being saved: a message when the host is plainly not public (a `localhost`
    name or a literal address); names are resolved and checked on every connection."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return None if private_allowed() else NOT_PUBLIC.format(host=host)
    address = literal_address(name)
    if address is None or allowed(address):
        return None
    return NOT_PUBLIC.format(host=host)


def check_url(url: str, *, field: str = "url") -> str | None:
    """A refusal message for an http(s) URL an owner typed, or None when it may be saved."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Give a full http(s) URL."
    try:
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError:
        return "That URL's port is not a number between 0 and 65535."
    return refused_host(parts.hostname)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the check between name and connection."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM), timeout=timeout
            )
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(UNREACHABLE) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses or not all(allowed(ipaddress.ip_address(a.split("%", 1)[0])) for a in addresses):
            raise Refused(UNREACHABLE)
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # TLS and the Host header keep the name: httpcore takes them from the request, not from here.
        for address in await self.resolve(host, port, timeout):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
        raise httpcore.ConnectError(UNREACHABLE)

    async def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> httpcore.AsyncNetworkStream:
        raise Refused(UNREACHABLE)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, *, verify: typing.Any = True, http2: bool = False) -> None:
        super().__init__(verify=verify, http2=http2, trust_env=False)
        # Same pool as httpx builds, on the guarded backend. No proxy: the address we vet must
        # be the one we connect to.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            http1=True,
            http2=http2,
            network_backend=GuardedBackend(),
        )


def client(
    *,
    timeout: float | httpx.Timeout = 10.0,
    follow_redirects: bool = False,
    verify: typing.Any = True,
    http2: bool = False,
) -> httpx.AsyncClient:
    """An httpx client whose every connection, redirects included, goes to a vetted address."""
    return httpx.AsyncClient(
        transport=GuardedTransport(verify=verify, http2=http2),
        timeout=timeout,
        follow_redirects=follow_redirects,
        max_redirects=3,
        trust_env=False,
    )


def failure(exc: httpx.HTTPError) -> str:
    """What the owner reads when a request to their URL failed before any HTTP answer."""
    if isinstance(exc, httpx.TooManyRedirects):
        return "The address redirected too many times."
    return UNREACHABLE


def permanent(exc: BaseException) -> bool:
    """True when retrying cannot help: the address is not one we call."""
    return isinstance(exc, Refused)
