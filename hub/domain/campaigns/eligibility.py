"""Who a channel can reach: one rule for sending a message and for counting the reach before.

PUSH reaches every card: the message lands in the card page's inbox, and wallet passes and
browsers that allow notifications are told on top. A campaign's message is skipped for a reason
a person can read in the campaign log; `reach` counts the customers for whom there is no such
reason. Both ask `skip_reason`, so the count an owner sees before sending is the count the
sender then reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.delivery import wallet_push
from hub.models import ContactPreference, MessengerIntegration


@dataclass(frozen=True)
class Contact:
    """What the rule needs of one recipient."""

    email: str | None
    marketing_consent: bool
    platforms: list[str] | None
    pref: ContactPreference | None


def skip_reason(
    channel: str, contact: Contact, *, marketing: bool, integration: MessengerIntegration | None
) -> str | None:
    """Why `channel` cannot carry a message to `contact`, or None when it can.

    `marketing` is False for a message to one customer (SEND MESSAGE), which needs no
    marketing consent; unsubscribing from a channel still holds.
    """
    pref = contact.pref
    consent = contact.marketing_consent or not marketing
    if channel == "email":
        if not contact.email:
            return "no_email"
        if pref is not None and pref.email_unsubscribed_at is not None:
            return "unsubscribed"
        return None if consent else "no_consent"
    if channel == "messenger":
        if integration is None:
            return "not_connected"
        if pref is None or not pref.messenger_address or pref.messenger_hint not in (integration.hints or []):
            return "no_messenger"
        if pref.messenger_unsubscribed_at is not None:
            return "unsubscribed"
        return None if consent else "no_consent"
    if channel == "push":
        # Every card has its page, whose inbox keeps the message; wallet passes and subscribed
        # browsers are told on top (`push_routes`).
        if pref is not None and pref.push_unsubscribed_at is not None:
            return "unsubscribed"
        return None
    return "unknown_channel"


def push_routes(platforms: list[str] | None, web_push: bool) -> list[str]:
    """Where a PUSH to a card shows up besides the card page's inbox: its wallet passes and the
    browsers that asked to be notified. Empty: the inbox only."""
    return [r for r, on in (("wallet", wallet_push.has_wallet(platforms)), ("web_push", web_push)) if on]
