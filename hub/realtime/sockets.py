"""The Socket.IO hub at /rt/socket.io.

Clients authenticate when connecting and join their rooms: a card page token joins
`card:<token>`; an API key joins `business:<id>`, and its socket is disconnected when the key
is revoked (`hub.realtime.access`). Events reach the sockets of this
process from the bus (`ignore_queue`: every process gets each event from Redis
already); the Redis client manager lets any process, RQ workers included, emit ad-hoc
messages to any client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import socketio
from redis.asyncio import Redis

from hub import ratelimit
from hub.domain.api_keys import authenticate_api_key
from hub.domain.cards import get_card_by_token
from hub.errors import DomainError
from hub.realtime.access import LiveAccess, subject
from hub.realtime.bus import EventBus
from hub.realtime.events import INTERNAL_TYPES, for_room, rooms
from hub.realtime.heartbeats import SocketServer

log = logging.getLogger(__name__)

SOCKETIO_PATH = "rt/socket.io"


async def rooms_for(auth: Any) -> tuple[list[str], str | None]:
    """The rooms a connection joins, and the credential it holds (None for a card page)."""
    if not isinstance(auth, dict):
        return [], None
    if token := auth.get("card_token"):
        card = await get_card_by_token(str(token))
        return ([f"card:{card.token}"] if card else []), None
    if api_key := auth.get("api_key"):
        try:
            key = await authenticate_api_key(str(api_key))
        except DomainError:
            return [], None
        return [f"business:{key.business_id}"], subject("api_key", key.id)
    return [], None


def _client_ip(environ: dict) -> str:
    client = (environ.get("asgi.scope") or {}).get("client") or ("unknown", 0)
    return str(client[0])


def create_socket_server(
    redis_url: str,
    channel: str,
    bus: EventBus,
    *,
    redis: Redis | None = None,
    prefix: str = "stamphub",
    access: LiveAccess | None = None,
) -> socketio.AsyncServer:
    manager = socketio.AsyncRedisManager(redis_url, channel=channel)
    sio = SocketServer(async_mode="asgi", client_manager=manager, cors_allowed_origins="*")
    releases: dict[str, Callable[[], None]] = {}

    @sio.event
    async def connect(sid: str, environ: dict, auth: Any) -> None:
        joined, credential = await rooms_for(auth)
        if not joined:
            # Only failures count, so a crowd of real watchers behind one address is never limited.
            if redis is not None:
                try:
                    await ratelimit.hit(redis, prefix, f"sio-fail:{_client_ip(environ)}", limit=30, window=60)
                except DomainError as exc:
                    raise socketio.exceptions.ConnectionRefusedError(exc.message) from exc
            raise socketio.exceptions.ConnectionRefusedError("unauthorized: send a card token or an API key")
        for room in joined:
            await sio.enter_room(sid, room)
        if credential is not None and access is not None:
            releases[sid] = access.hold(credential, lambda: sio.disconnect(sid))
            # A revocation handled between the check above and the hold would have found nothing
            # to close: check once more, now that any later one will find this socket.
            if not (await rooms_for(auth))[0]:
                releases.pop(sid)()
                raise socketio.exceptions.ConnectionRefusedError("unauthorized: this API key was revoked")

    @sio.event
    async def disconnect(sid: str, *_: Any) -> None:
        if release := releases.pop(sid, None):
            release()

    sending: set[asyncio.Task] = set()

    def sent(task: asyncio.Task) -> None:
        sending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("socket emit failed", exc_info=task.exception())

    def forward(event: dict[str, Any]) -> None:
        if event["type"] in INTERNAL_TYPES:
            return
        local = sio.manager.rooms.get("/", {})
        for room in rooms(event):
            # Most rooms have nobody connected here (the business room of a shop whose owner is
            # offline); the manager would encode the packet before finding that out.
            if local.get(room):
                # Not awaited: an emit waits for its send tasks, and the bus would read one
                # event per round of a busy event loop. Tasks start in creation order, so a
                # room's events still reach its sockets in order.
                task = asyncio.create_task(sio.emit(event["type"], for_room(event, room), room=room, ignore_queue=True))
                sending.add(task)
                task.add_done_callback(sent)

    bus.subscribe("*", forward)
    return sio
