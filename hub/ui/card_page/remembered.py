"""The cards this browser holds, one per stamp card: the join page hands a returning
customer's card back, and delivery inserts stamp it without joining again."""

from __future__ import annotations

from nicegui import app

from hub.models import Card

REMEMBERED = "cards"  # browser storage: {template id: card token}


def remember_card(card: Card) -> None:
    """Browser storage is the session cookie: it changes only with the page's own response."""
    storage = app.storage.browser
    stored = storage.get(REMEMBERED)
    cards = dict(stored) if isinstance(stored, dict) else {}
    if cards.get(str(card.template_id)) != card.token:
        cards[str(card.template_id)] = card.token
        storage[REMEMBERED] = cards


def remembered_token(template_id: int) -> str | None:
    cards = app.storage.browser.get(REMEMBERED)
    token = cards.get(str(template_id)) if isinstance(cards, dict) else None
    return token if isinstance(token, str) else None
