"""Side effects that must happen once per event across all processes (wallet pushes,
webhooks, automations). The relay that claimed an event runs them right after
publishing it, so each event is handed to each reaction exactly once; reactions
should only enqueue RQ jobs, never do slow work inline.

A feature registers by adding its module to REACTION_MODULES; the module decorates
async functions with `@reaction`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Reaction = Callable[[list[dict[str, Any]]], Awaitable[None]]

REACTION_MODULES: list[str] = []

_reactions: list[Reaction] = []
_loaded = False


def reaction(fn: Reaction) -> Reaction:
    _reactions.append(fn)
    return fn


def load() -> list[Reaction]:
    global _loaded
    if not _loaded:
        for module in REACTION_MODULES:
            importlib.import_module(module)
        _loaded = True
    return _reactions


async def run(events: list[dict[str, Any]]) -> None:
    for fn in load():
        try:
            await fn(events)
        except Exception:
            log.exception("reaction %s failed", getattr(fn, "__name__", fn))


# Wallet passes: push Apple devices and patch Google objects when a card changes.
REACTION_MODULES.append("hub.wallet.reactions")

# Integrations: signed webhook deliveries for subscribed endpoints.
REACTION_MODULES.append("hub.webhooks.reactions")

# Templates: a published version goes to every issued card.
REACTION_MODULES.append("hub.workers.regenerate")

# Campaigns: the post-purchase automation after a stamp or a redemption.
REACTION_MODULES.append("hub.workers.campaign_jobs")
