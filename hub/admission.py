"""Admission for card operations: a bounded number in progress per process.

Past saturation a queue only grows: every waiting scan makes all later ones slower, until
tills time out without knowing what happened. So a scan that cannot start within
`WAIT_SECONDS` is answered at once with `busy` (503, Retry-After), having changed nothing;
its idempotency key makes the retry safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator

from hub.errors import DomainError

IN_PROGRESS = 64
WAIT_SECONDS = 1.0


class Busy(DomainError):
    code = "busy"
    status = 503
    message = "Stamphub is very busy right now. Nothing was changed; please try again in a moment."


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if (gate := _gates.get(loop)) is None:
        gate = _gates[loop] = asyncio.Semaphore(IN_PROGRESS)
    return gate


@contextlib.asynccontextmanager
async def slot() -> AsyncIterator[None]:
    """Hold one of this process's slots for a card operation; raises Busy when none frees up in time."""
    gate = _gate()
    if not gate.locked():
        # A free slot is taken without suspending; wait_for would run the acquire as a task of
        # its own, with a timer, on every scan.
        await gate.acquire()
    else:
        try:
            await asyncio.wait_for(gate.acquire(), WAIT_SECONDS)
        except TimeoutError:
            raise Busy(retry_after=1) from None
    try:
        yield
    finally:
        gate.release()
