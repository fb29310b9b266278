"""Where a business's webhooks may go: the public internet only.

A webhook URL is typed in by a tenant, and our server makes the request; pointed at a private
address it would reach into our own network (metadata services, databases, admin ports). So
every address the host resolves to must be global, checked when the URL is saved (a literal
address or `localhost`, for a clear message at once) and again before each delivery (names
can change what they resolve to). An operator whose receivers sit on a private network (an
on-premises POS bridge; the test suite) allows that with STAMPHUB_WEBHOOKS_PRIVATE=1.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket

REFUSED = "Webhooks can only be sent to public internet addresses; {host} is a private or local address."


def private_allowed() -> bool:
    return os.environ.get("STAMPHUB_WEBHOOKS_PRIVATE") == "1"


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def refused_literal(host: str) -> str | None:
    """For a URL being saved: refuses `localhost` names and literal non-public addresses."""
    if private_allowed():
        return None
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return REFUSED.format(host=host)
    try:
        return None if _is_public(name) else REFUSED.format(host=host)
    except ValueError:
        return None  # a name: resolved and checked at delivery


async def refused(host: str, port: int) -> str | None:
    """Before a delivery: refuses when any address the host resolves to is not public."""
    if private_allowed():
        return None
    if message := refused_literal(host):
        return message
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"Could not resolve {host}: {exc}"
    if not infos or not all(_is_public(info[4][0]) for info in infos):
        return REFUSED.format(host=host)
    return None
