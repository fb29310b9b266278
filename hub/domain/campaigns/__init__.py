"""Campaigns: a message to an audience over PUSH, Email and Messenger, exactly once.

The path of a campaign, all of it in RQ workers (a page only creates the row and queues
the fan-out):

1. `fan_out` turns the audience into delivery rows, one per (campaign, customer, channel,
   occasion), inserted with INSERT-or-ignore so running it twice adds nothing.
2. `send_range` claims rows with a conditional UPDATE (pending → sending, with a claim token
   and `claimed_at`), sends them one by one and marks each one right after the far end
   accepted it. A sender keeps its claims fresh while it works; the claims of a killed
   sender go stale after `claim_ttl()` and are taken over, so nothing is missed.
3. A message goes out again only if its sender died between the far end's acceptance and
   the commit of the mark — a window of one message per dead sender. That resend carries
   the same Message-ID / idempotency key / wallet message id as the first, which the far
   ends use to drop the copy.
4. An attached voucher or lottery draw is granted once per recipient and occasion (a
   `CampaignGrant` row with a unique key, written in the transaction that creates the
   voucher, under the card's lock) before the first message that shows it.
"""

from hub.delivery.results import CHANNELS
from hub.domain.campaigns.consent import (
    current_preference,
    customer_for_token,
    link_holder,
    link_messenger_contact,
    messenger_opt_in,
    messenger_opt_out,
    preference,
    resubscribe,
    unsubscribe,
    unsubscribe_token,
)
from hub.domain.campaigns.creating import (
    available_channels,
    cancel_campaign,
    create_campaign,
    get_campaign,
    send_message_to_card,
    validate,
)
from hub.domain.campaigns.fan_out import due_scheduled, fan_out, insert_deliveries, pending_chunks, stalled
from hub.domain.campaigns.grants import ensure_grant
from hub.domain.campaigns.history import campaign_report, card_messages, recent_campaigns
from hub.domain.campaigns.messenger import connect_messenger, disconnect_messenger, messenger_of
from hub.domain.campaigns.placeholders import PLACEHOLDERS, render
from hub.domain.campaigns.preview import preview, reach
from hub.domain.campaigns.progress import OpenWork, emit_progress, finish_if_done, open_work, stats, stats_for
from hub.domain.campaigns.rules import AUTOMATION_KINDS, FINAL, KINDS, MAX_ATTEMPTS, OPEN, claim_ttl
from hub.domain.campaigns.sending import SendSummary, Transports, send_range

__all__ = [
    "AUTOMATION_KINDS",
    "CHANNELS",
    "FINAL",
    "KINDS",
    "MAX_ATTEMPTS",
    "OPEN",
    "PLACEHOLDERS",
    "OpenWork",
    "SendSummary",
    "Transports",
    "available_channels",
    "cancel_campaign",
    "campaign_report",
    "card_messages",
    "recent_campaigns",
    "claim_ttl",
    "connect_messenger",
    "messenger_of",
    "create_campaign",
    "current_preference",
    "customer_for_token",
    "link_holder",
    "disconnect_messenger",
    "due_scheduled",
    "emit_progress",
    "ensure_grant",
    "fan_out",
    "finish_if_done",
    "get_campaign",
    "insert_deliveries",
    "link_messenger_contact",
    "messenger_opt_in",
    "messenger_opt_out",
    "open_work",
    "pending_chunks",
    "preference",
    "preview",
    "reach",
    "render",
    "resubscribe",
    "send_message_to_card",
    "send_range",
    "stalled",
    "stats",
    "stats_for",
    "unsubscribe",
    "unsubscribe_token",
    "validate",
]
