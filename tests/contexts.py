"""Browser contexts of the Chromium tests close in bounded time (no tests here)."""

from __future__ import annotations

import asyncio
import logging

from playwright.async_api import BrowserContext

CLOSE_SECONDS = 30


async def close_context(ctx: BrowserContext) -> None:
    """Close a browser context, but never wait on it for ever: a context that does not close in
    time (Chromium stalls now and then on a loaded machine) is left to the browser's own end, so
    one slow close cannot hold up the rest of the run."""
    try:
        await asyncio.wait_for(ctx.close(), CLOSE_SECONDS)
    except TimeoutError:
        logging.getLogger(__name__).warning("a browser context did not close within %s s", CLOSE_SECONDS)
