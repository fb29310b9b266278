"""A phone that vanished without closing its connection (out of coverage, battery gone) is let
go once it misses a ping's deadline; a phone that answers stays. The server checks every open
socket in one pass a second (hub/realtime/heartbeats.py); a long-polling client that stopped
polling is noticed by that check alone."""

import asyncio
import contextlib
import json
import time

import aiohttp
import socketio
import uvicorn

from hub.realtime.heartbeats import SWEEP_SECONDS, SocketServer
from tests.servers import free_port

PING_INTERVAL = 0.5
PING_TIMEOUT = 0.5


@contextlib.asynccontextmanager
async def serving(sio: SocketServer):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(socketio.ASGIApp(sio), host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}/socket.io/?EIO=4"
    finally:
        await sio.shutdown()
        server.should_exit = True
        await task


async def _poll_once(http: aiohttp.ClientSession, url: str) -> None:
    """A long-polling client that joins and then never polls again: only the server's own
    check of ping deadlines can notice it is gone."""
    async with http.get(f"http://{url}&transport=polling") as opened:
        sid = json.loads((await opened.text())[1:])["sid"]
    async with http.post(f"http://{url}&transport=polling&sid={sid}", data="40") as joined:
        assert joined.status == 200
    async with http.get(f"http://{url}&transport=polling&sid={sid}") as answer:
        assert (await answer.text()).startswith("40")


async def _open(http: aiohttp.ClientSession, url: str) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(f"ws://{url}&transport=websocket")
    assert (await ws.receive_str()).startswith("0")  # engine.io open
    await ws.send_str("40")  # join the default namespace
    assert (await ws.receive_str()).startswith("40")
    return ws


async def test_a_silent_client_is_let_go_and_an_answering_one_stays():
    sio = SocketServer(async_mode="asgi", ping_interval=PING_INTERVAL, ping_timeout=PING_TIMEOUT)
    gone: dict[str, float] = {}

    @sio.event
    async def disconnect(sid, reason=None):
        gone[sid] = time.monotonic()

    async with serving(sio) as url, aiohttp.ClientSession() as http:
        await _poll_once(http, url)
        answering = await _open(http, url)
        opened = time.monotonic()

        async def answer_pings() -> None:
            async for message in answering:
                if message.data == "2":
                    await answering.send_str("3")

        answerer = asyncio.create_task(answer_pings())
        deadline = PING_INTERVAL + PING_TIMEOUT + SWEEP_SECONDS + 2.0
        while len(gone) < 1 and time.monotonic() - opened < deadline:
            await asyncio.sleep(0.05)
        assert len(gone) == 1, "the silent client was never let go"
        # Several more ping rounds: the answering client is still there.
        await asyncio.sleep(3 * (PING_INTERVAL + SWEEP_SECONDS))
        assert len(gone) == 1 and not answering.closed
        answerer.cancel()
        await answering.close()
