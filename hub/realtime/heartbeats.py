"""Engine.IO's watch for clients that stopped answering its pings, in one pass a second.

python-engineio's service task visits one socket, then waits `ping_timeout / N` seconds (an
`asyncio.wait_for`, so a task and a timer) before the next. With 2,000 open card pages that is
100 wake-ups a second and 2-3 % of a core while nothing at all happens; with 10,000 pages, 500.
One pass over every socket each second finds the same silent clients, at most a second later.
"""

from __future__ import annotations

import asyncio
import logging

import engineio
import socketio

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0


class SweepingEngine(engineio.AsyncServer):
    async def _service_task(self) -> None:
        self.service_task_event = self.create_event()
        while True:
            try:
                await asyncio.wait_for(self.service_task_event.wait(), SWEEP_SECONDS)
                return  # shutdown() set the event
            except TimeoutError:
                pass
            for sock in list(self.sockets.values()):
                try:
                    if sock.closed:
                        self.sockets.pop(sock.sid, None)
                    elif not sock.closing:
                        await sock.check_ping_timeout()  # closes a socket past its deadline
                except Exception:
                    log.exception("socket heartbeat check failed")


class SocketServer(socketio.AsyncServer):
    """python-socketio's server on the sweeping engine."""

    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return SweepingEngine
