"""Sending a campaign's delivery rows: claim a batch, send each row on its channel, mark it.

A sender claims rows with a conditional UPDATE (pending → sending, with a claim token and
`claimed_at`) and keeps its claims fresh while it works; a killed sender's claims go stale after
`claim_ttl()` and are taken over. Each row is marked right after the far end accepted it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from hub.clock import utcnow, zone
from hub.config import settings
from hub.delivery import wallet_push
from hub.delivery.email import EmailContent, SmtpConfig, SmtpSender, build_message
from hub.delivery.messenger import MessengerGateway
from hub.delivery.results import SendResult
from hub.delivery.web_push import WebPushSender
from hub.domain import inbox, journal, web_push
from hub.domain.campaigns.consent import unsubscribe_token
from hub.domain.campaigns.eligibility import Contact, skip_reason
from hub.domain.campaigns.grants import ensure_grant
from hub.domain.campaigns.placeholders import card_values, render, voucher_line, voucher_values
from hub.domain.campaigns.progress import emit_progress, finish_if_done
from hub.domain.campaigns.rules import BACKOFF, BATCH, MAX_ATTEMPTS, claim_ttl
from hub.domain.lottery import SPIN_WAITING
from hub.models import (
    Business,
    Campaign,
    CampaignDelivery,
    CampaignGrant,
    Card,
    CardTemplate,
    ContactPreference,
    Customer,
    InboxMessage,
    MessengerIntegration,
    Voucher,
)
from hub.realtime import outbox
from hub.realtime.events import CardMessage

log = logging.getLogger(__name__)


@dataclass
class Transports:
    """The channel adapters one send job uses; the SMTP session is reused across its rows."""

    smtp: SmtpSender | None = None
    gateways: dict[int, MessengerGateway] = field(default_factory=dict)
    web_push: WebPushSender | None = None

    def push_sender(self) -> WebPushSender:
        if self.web_push is None:
            self.web_push = WebPushSender.configured()
        return self.web_push

    @classmethod
    def configured(cls) -> Transports:
        conf = SmtpConfig.configured()
        return cls(smtp=SmtpSender(conf) if conf else None)

    async def close(self) -> None:
        if self.smtp is not None:
            await asyncio.to_thread(self.smtp.close)
        for gateway in self.gateways.values():
            await gateway.aclose()


@dataclass
class _Context:
    campaign: Campaign
    business: Business
    zone: ZoneInfo
    integration: MessengerIntegration | None
    secret: bytes
    public_url: str
    templates: dict[int, CardTemplate] = field(default_factory=dict)


@dataclass
class SendSummary:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    lost_claims: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


async def _claim(
    campaign_id: int, token: str, lo: int | None, hi: int | None, limit: int, now: datetime
) -> list[CampaignDelivery]:
    ready = (Q(status="pending") & (Q(not_before__isnull=True) | Q(not_before__lte=now))) | Q(
        status="sending", claimed_at__lt=now - claim_ttl()
    )
    query = CampaignDelivery.filter(ready, campaign_id=campaign_id)
    if lo is not None:
        query = query.filter(id__gte=lo)
    if hi is not None:
        query = query.filter(id__lte=hi)
    ids = await query.order_by("id").limit(limit).values_list("id", flat=True)
    if not ids:
        return []
    # Conditional: a row another sender claimed between the SELECT and here no longer matches.
    await CampaignDelivery.filter(ready, id__in=list(ids)).update(
        status="sending", claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    return await CampaignDelivery.filter(claim=token, status="sending").order_by("id")


async def _heartbeat(token: str, now: datetime) -> None:
    await CampaignDelivery.filter(claim=token, status="sending").update(claimed_at=now)


async def send_range(
    campaign_id: int,
    *,
    lo: int | None = None,
    hi: int | None = None,
    transports: Transports,
    secret: bytes | None = None,
    public_url: str | None = None,
    limit: int | None = None,
) -> SendSummary:
    """Claim and send the open rows of a campaign (within ids lo..hi) until none is left.

    `limit` stops after that many claimed rows (the benchmark and tests use it).
    """
    summary = SendSummary()
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or campaign.status in ("cancelled", "draft", "paused"):
        return summary
    business = await Business.get(id=campaign.business_id)
    conf = settings()
    ctx = _Context(
        campaign=campaign,
        business=business,
        zone=zone(business.timezone),
        integration=await MessengerIntegration.get_or_none(business_id=business.id, status="connected"),
        secret=secret or conf.secret_key,
        public_url=public_url or conf.public_url,
    )
    token = secrets.token_hex(8)
    beat = progress = time.monotonic()
    # Frequent enough that a resume job waiting on these rows sees this sender is alive.
    interval = max(min(claim_ttl().total_seconds() / 4, 5.0), 0.2)
    while limit is None or summary.claimed < limit:
        rows = await _claim(campaign.id, token, lo, hi, BATCH, utcnow())
        if not rows:
            break
        summary.claimed += len(rows)
        cards = {c.id: c for c in await Card.filter(id__in=[r.card_id for r in rows])}
        customers = {c.id: c for c in await Customer.filter(id__in=[r.customer_id for r in rows])}
        prefs = {p.customer_id: p for p in await ContactPreference.filter(customer_id__in=list(customers))}
        for row in rows:
            if time.monotonic() - beat > interval:
                await _heartbeat(token, utcnow())
                beat = time.monotonic()
            await _send_one(
                ctx,
                row,
                token,
                cards.get(row.card_id),
                customers.get(row.customer_id),
                prefs.get(row.customer_id),
                transports,
                summary,
            )
        if time.monotonic() - progress > 1.0:
            await emit_progress(campaign.id)
            progress = time.monotonic()
    await finish_if_done(campaign.id)
    await emit_progress(campaign.id)
    return summary


def _skip_reason(
    ctx: _Context, row: CampaignDelivery, card: Card | None, customer: Customer | None, pref: ContactPreference | None
) -> str | None:
    if card is None or customer is None or card.deleted_at is not None:
        return "card_deleted"
    contact = Contact(customer.email, customer.marketing_consent, card.platforms, pref)
    return skip_reason(row.channel, contact, marketing=ctx.campaign.kind != "direct", integration=ctx.integration)


async def _send_one(
    ctx: _Context,
    row: CampaignDelivery,
    token: str,
    card: Card | None,
    customer: Customer | None,
    pref: ContactPreference | None,
    transports: Transports,
    summary: SendSummary,
) -> None:
    reason = _skip_reason(ctx, row, card, customer, pref)
    if reason is None and row.channel == "email" and transports.smtp is None:
        reason = "not_configured"
    if reason is not None:
        if await _close_row(row, token, status="skipped", reason=reason):
            summary.skipped += 1
        else:
            summary.lost_claims += 1
        return
    assert card is not None and customer is not None
    grant_note = ""
    voucher = None
    grant = None
    spin = False
    if ctx.campaign.attachment:
        try:
            voucher = await ensure_grant(ctx.campaign, row, now=utcnow())
            spin = ctx.campaign.attachment.get("type") == "lottery"
        except Exception as exc:  # a deleted pool must not stop the message itself
            log.exception("campaign %s: grant for customer %s failed", ctx.campaign.id, row.customer_id)
            grant_note = f"attachment not granted: {exc}"[:120]
        grant = await CampaignGrant.get_or_none(
            campaign_id=ctx.campaign.id, customer_id=row.customer_id, occasion=row.occasion
        )
    # A spin's prize stays sealed until the customer plays it on the card page.
    values = await _values(ctx, card, customer, None if spin else voucher)
    if spin:
        values.update(voucher=SPIN_WAITING, voucher_code="", voucher_expires="")
    subject = render(ctx.campaign.subject or ctx.business.name, values)
    body = render(ctx.campaign.body, values)
    key = wallet_push.message_id(ctx.campaign.id, row.id)
    if row.channel == "email":
        result = await _send_email(ctx, row, customer, subject, body, values, voucher, transports)
    elif row.channel == "messenger":
        assert pref is not None and ctx.integration is not None
        gateway = transports.gateways.get(ctx.integration.id)
        if gateway is None:
            gateway = transports.gateways[ctx.integration.id] = MessengerGateway(
                ctx.integration.base_url, ctx.integration.token
            )
        text = "\n\n".join(
            p
            for p in (
                f"*{subject}*" if subject else "",
                body,
                voucher_line(values, customer.language or ctx.business.language),
                values["card_url"],
            )
            if p
        )
        result = await gateway.send(pref.messenger_hint or "", pref.messenger_address or "", text, key=key)
    else:
        result = await _wallet_notice(card, subject, body, key)
    now = utcnow()
    if result.ok:
        message = await _delivered(ctx, row, token, card, subject, body, result, now, note=grant_note, grant=grant)
        if message is not None:
            summary.delivered += 1
            if row.channel == "push":
                assert isinstance(message, InboxMessage)
                written = "; ".join(p for p in (result.detail, grant_note) if p)
                await _notify_browsers(ctx, row, card, message, subject, body, transports, written)
        else:
            summary.lost_claims += 1
    elif result.permanent or row.attempts >= MAX_ATTEMPTS:
        reason = "bounced" if result.permanent else "gave_up"
        if await _failed(ctx, row, token, card, subject, result, reason):
            summary.failed += 1
        else:
            summary.lost_claims += 1
    else:
        delay = BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
        await CampaignDelivery.filter(id=row.id, claim=token, status="sending").update(
            status="pending",
            claim=None,
            claimed_at=None,
            not_before=now + timedelta(seconds=delay),
            detail=result.detail[:255],
        )
        summary.retrying += 1


async def _wallet_notice(card: Card, subject: str, body: str, key: str) -> SendResult:
    """PUSH always lands in the card page's inbox; a card in a wallet gets the pass notice too,
    and only a wallet queue that is down for now holds the message back (it is retried)."""
    if not wallet_push.has_wallet(card.platforms):
        return SendResult.accepted("card inbox")
    result = await wallet_push.notify_wallet(card.id, subject, body, key=key)
    if result.ok or not result.permanent:
        return result if not result.ok else SendResult.accepted(f"card inbox; {result.detail}")
    return SendResult.accepted(f"card inbox; wallet: {result.detail}")


async def _notify_browsers(
    ctx: _Context,
    row: CampaignDelivery,
    card: Card,
    message: InboxMessage,
    subject: str,
    body: str,
    transports: Transports,
    delivered_detail: str,
) -> None:
    """After the message is in the inbox: a notification in every browser subscribed to the card.
    Best effort: the inbox has the message whatever the push services answer."""
    if not await web_push.subscribed_cards([card.id]):
        return
    try:
        outcome = await web_push.notify_card(
            card,
            title=subject or ctx.business.name,
            body=body,
            url=f"/c/{card.token}",  # a path: the service worker opens it on its own site
            topic=f"m{message.id}",
            sender=transports.push_sender(),
        )
    except Exception:
        log.exception("campaign %s: web push for card %s failed", ctx.campaign.id, card.id)
        return
    # The delivery's detail says which browsers were told, next to what `_delivered` wrote.
    written = "; ".join(p for p in (delivered_detail, str(outcome)) if p)
    await CampaignDelivery.filter(id=row.id, status="delivered").update(detail=written[:255])


async def _send_email(
    ctx: _Context,
    row: CampaignDelivery,
    customer: Customer,
    subject: str,
    body: str,
    values: dict[str, str],
    voucher: Voucher | None,
    transports: Transports,
) -> SendResult:
    assert transports.smtp is not None and customer.email
    template = await _template(ctx, values["_template_id"])
    unsubscribe = unsubscribe_token(ctx.secret, customer.id)
    host = re.sub(r"^https?://", "", ctx.public_url).split("/")[0].split(":")[0] or "stamphub.local"
    content = EmailContent(
        to=customer.email,
        to_name=customer.name,
        subject=subject,
        text=body,
        business_name=ctx.business.name,
        colors={k: str(v) for k, v in (template.design or {}).items() if k in ("background", "foreground", "accent")},
        card_url=values["card_url"],
        unsubscribe_url=f"{ctx.public_url}/u/{unsubscribe}",
        one_click_url=f"{ctx.public_url}/api/v1/unsubscribe/{unsubscribe}",
        message_id=f"<{wallet_push.message_id(ctx.campaign.id, row.id)}@{host}>",
        voucher_title=values["voucher"] or None,
        voucher_code=values["voucher_code"] or None,
        voucher_expires=values["voucher_expires"] or None,
        language=customer.language or ctx.business.language,
    )
    message = build_message(content, transports.smtp.config.sender)
    return await asyncio.to_thread(transports.smtp.send, message, customer.email)


async def _template(ctx: _Context, template_id: int) -> CardTemplate:
    if template_id not in ctx.templates:
        ctx.templates[template_id] = await CardTemplate.get(id=template_id)
    return ctx.templates[template_id]


async def _values(ctx: _Context, card: Card, customer: Customer, voucher: Voucher | None) -> dict[str, Any]:
    template = await _template(ctx, card.template_id)
    return {
        **card_values(
            business=ctx.business.name,
            customer_name=customer.name,
            card=card,
            template=template,
            public_url=ctx.public_url,
        ),
        **voucher_values(voucher, ctx.zone, customer.language or ctx.business.language),
        "_template_id": template.id,
    }


async def _close_row(row: CampaignDelivery, token: str, *, status: str, reason: str = "", detail: str = "") -> bool:
    return bool(
        await CampaignDelivery.filter(id=row.id, claim=token, status="sending").update(
            status=status, reason=reason, detail=detail[:255], claim=None
        )
    )


async def _delivered(
    ctx: _Context,
    row: CampaignDelivery,
    token: str,
    card: Card,
    subject: str,
    body: str,
    result: SendResult,
    now: datetime,
    *,
    note: str = "",
    grant: CampaignGrant | None = None,
) -> InboxMessage | bool | None:
    """Mark the row delivered with its journal row; a PUSH also puts the message in the card's
    inbox and tells an open card page. None when another sender holds the row now."""
    inboxed: InboxMessage | None = None
    async with outbox.transaction() as conn:
        marked = (
            await CampaignDelivery.filter(id=row.id, claim=token, status="sending")
            .using_db(conn)
            .update(
                status="delivered",
                delivered_at=now,
                claim=None,
                reason="",
                detail=("; ".join(p for p in (result.detail, note) if p))[:255],
            )
        )
        if not marked:
            return None
        await journal.record(
            conn,
            card,
            "message_sent",
            detail={
                "campaign_id": ctx.campaign.id,
                "campaign": ctx.campaign.name,
                "kind": ctx.campaign.kind,
                "channel": row.channel,
                "subject": subject,
                "delivery_id": row.id,
            },
        )
        if row.channel == "push":
            inboxed = await inbox.record(
                conn,
                card,
                title=subject,
                body=body,
                campaign_id=ctx.campaign.id,
                delivery_id=row.id,
                voucher_id=grant.voucher_id if grant and not grant.draw_id else None,
                draw_id=grant.draw_id if grant else None,
            )
            message: CardMessage = {
                "type": "card.message",
                "business_id": card.business_id,
                "card_id": card.id,
                "number": card.number,
                "token": card.token,
                "campaign_id": ctx.campaign.id,
                "delivery_id": row.id,
                "message_id": inboxed.id,
                "title": subject,
                "body": body,
            }
            await outbox.record(conn, message)
    return inboxed or True


async def _failed(
    ctx: _Context, row: CampaignDelivery, token: str, card: Card, subject: str, result: SendResult, reason: str
) -> bool:
    async with in_transaction() as conn:
        marked = (
            await CampaignDelivery.filter(id=row.id, claim=token, status="sending")
            .using_db(conn)
            .update(status="failed", reason=reason, detail=result.detail[:255], claim=None)
        )
        if not marked:
            return False
        await journal.record(
            conn,
            card,
            "message_failed",
            detail={
                "campaign_id": ctx.campaign.id,
                "campaign": ctx.campaign.name,
                "channel": row.channel,
                "subject": subject,
                "delivery_id": row.id,
                "reason": reason,
                "error": result.detail[:255],
            },
        )
    return True
