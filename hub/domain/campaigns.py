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

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from hub import egress
from hub.channels import push
from hub.channels.base import CHANNELS, MESSENGER_HINTS, SendResult
from hub.channels.email import EmailContent, SmtpConfig, SmtpSender, build_message
from hub.channels.messenger import GatewayError, MessengerGateway
from hub.clock import utcnow, zone
from hub.config import settings
from hub.domain import codes, segments
from hub.domain.locks import lock_card
from hub.domain.vouchers import create_voucher
from hub.errors import InvalidInput, NotFound, Unauthorized
from hub.models import (
    Business,
    Campaign,
    CampaignDelivery,
    CampaignGrant,
    Card,
    CardEvent,
    CardTemplate,
    ContactPreference,
    Customer,
    MessengerIntegration,
    PrizePool,
    Voucher,
)
from hub.realtime import outbox
from hub.realtime.events import CampaignProgress, CardMessage

log = logging.getLogger(__name__)

AUTOMATION_KINDS = ("birthday", "winback", "post_purchase")
KINDS = ("broadcast", "direct", *AUTOMATION_KINDS)
OPEN = ("pending", "sending")
FINAL = ("delivered", "failed", "skipped")
BATCH = 25
CHUNK = 500
MAX_ATTEMPTS = 5
BACKOFF = (30, 120, 600, 1800)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = (
    "name",
    "first_name",
    "business",
    "stamps",
    "stamps_required",
    "stamps_left",
    "reward",
    "card_url",
    "voucher",
    "voucher_code",
    "voucher_expires",
)


def claim_ttl() -> timedelta:
    """How long a claim stays valid without a heartbeat; longer than any one message can take."""
    return timedelta(seconds=float(os.environ.get("CAMPAIGN_CLAIM_TTL", "120")))


# --- Creating campaigns ----------------------------------------------------------------------


async def available_channels(business_id: int) -> list[str]:
    """The channels a campaign of this business may use now: Messenger only while connected."""
    out = ["push"]
    if SmtpConfig.from_env() is not None:
        out.append("email")
    if await MessengerIntegration.exists(business_id=business_id, status="connected"):
        out.append("messenger")
    return out


def _attachment(business_id: int, attachment: dict[str, Any] | None) -> dict[str, Any]:
    attachment = dict(attachment or {})
    kind = attachment.get("type") or None
    if kind is None:
        return {}
    if kind == "voucher":
        title = str(attachment.get("title") or "").strip()
        if not title or len(title) > 120:
            raise InvalidInput("Give the attached voucher a title (up to 120 characters).", field="voucher_title")
        days = attachment.get("valid_days")
        days = int(days) if days not in (None, "") else None
        if days is not None and not 1 <= days <= 3650:
            raise InvalidInput("A voucher is valid for 1 to 3650 days.", field="valid_days")
        return {"type": "voucher", "title": title, "valid_days": days}
    if kind == "lottery":
        if not attachment.get("pool_id"):
            raise InvalidInput("Choose the prize pool of the lottery slot.", field="pool_id")
        return {"type": "lottery", "pool_id": int(attachment["pool_id"])}
    raise InvalidInput("Attach a voucher, a lottery slot or nothing.", field="attachment")


async def _validate(
    business_id: int,
    *,
    name: str,
    subject: str,
    body: str,
    channels: list[str],
    attachment: dict[str, Any] | None,
    check_available: bool = True,
) -> tuple[str, str, str, list[str], dict[str, Any]]:
    name, subject, body = (name or "").strip(), (subject or "").strip(), (body or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput("Give the campaign a name (up to 120 characters).", field="name")
    if len(subject) > 200:
        raise InvalidInput("Keep the subject under 200 characters.", field="subject")
    if not body:
        raise InvalidInput("Write the message.", field="body")
    if len(body) > 5000:
        raise InvalidInput("Keep the message under 5000 characters.", field="body")
    chosen = [c for c in CHANNELS if c in (channels or [])]
    if not chosen or len(chosen) != len(set(channels or [])):
        raise InvalidInput("Choose at least one channel: PUSH, Email or Messenger.", field="channels")
    if check_available:
        missing = set(chosen) - set(await available_channels(business_id))
        if missing:
            raise InvalidInput(f"Not available for this business: {', '.join(sorted(missing))}.", field="channels")
    clean = _attachment(business_id, attachment)
    if clean.get("type") == "lottery" and not await PrizePool.exists(id=clean["pool_id"], business_id=business_id):
        raise NotFound("No such prize pool.", field="pool_id")
    return name, subject, body, chosen, clean


async def create_campaign(
    business_id: int,
    *,
    name: str,
    subject: str,
    body: str,
    channels: list[str],
    segment: dict[str, Any] | None = None,
    attachment: dict[str, Any] | None = None,
    scheduled_at: datetime | None = None,
    kind: str = "broadcast",
) -> Campaign:
    """A campaign ready for its fan-out job: `queued` to send now, `scheduled` for later.

    The caller queues the job (hub.workers.campaign_jobs.enqueue_campaign); nothing is sent here.
    """
    now = utcnow()
    if kind not in ("broadcast", "direct"):
        raise InvalidInput("Unknown campaign kind.", field="kind")
    name, subject, body, chosen, clean = await _validate(
        business_id, name=name, subject=subject, body=body, channels=channels, attachment=attachment
    )
    spec = segments.normalize(segment)
    if scheduled_at is not None and scheduled_at.tzinfo is None:
        raise InvalidInput("The send time needs a time zone.", field="scheduled_at")
    if scheduled_at is not None:
        # Stored in UTC: SQLite compares timestamps as text.
        scheduled_at = None if scheduled_at <= now else scheduled_at.astimezone(UTC)
    return await Campaign.create(
        business_id=business_id,
        kind=kind,
        name=name,
        subject=subject,
        body=body,
        channels=chosen,
        segment=spec,
        attachment=clean,
        status="scheduled" if scheduled_at else "queued",
        scheduled_at=scheduled_at,
    )


async def send_message_to_card(
    business_id: int,
    card_id: int,
    channels: list[str],
    subject: str,
    body: str,
    *,
    attachment: dict[str, Any] | None = None,
) -> Campaign:
    """SEND MESSAGE from a customer's card: a campaign of one, with its own stats and journal rows."""
    card = await Card.get_or_none(id=card_id, business_id=business_id, deleted_at=None)
    if card is None:
        raise NotFound("No such card.")
    customer = await Customer.get(id=card.customer_id)
    return await create_campaign(
        business_id,
        name=f"Message to #{card.number} {customer.name}"[:120],
        subject=subject,
        body=body,
        channels=channels,
        segment={"card_ids": [card.id]},
        attachment=attachment,
        kind="direct",
    )


async def cancel_campaign(business_id: int, campaign_id: int) -> Campaign:
    """Stop a queued, scheduled or sending campaign; messages already out stay out."""
    campaign = await get_campaign(business_id, campaign_id)
    changed = await Campaign.filter(id=campaign.id, status__in=["queued", "scheduled", "sending"]).update(
        status="cancelled", finished_at=utcnow()
    )
    if changed:
        await CampaignDelivery.filter(campaign_id=campaign.id, status="pending").update(
            status="skipped", reason="cancelled"
        )
    await campaign.refresh_from_db()
    return campaign


async def get_campaign(business_id: int, campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id, business_id=business_id)
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


# --- Fan-out -----------------------------------------------------------------------------------


async def insert_deliveries(
    campaign: Campaign, recipients: list[segments.Recipient], *, occasion: str = "", channels: list[str] | None = None
) -> int:
    """INSERT-or-ignore one row per recipient and channel; returns how many rows are new."""
    channels = channels or list(campaign.channels)
    before = await CampaignDelivery.filter(campaign_id=campaign.id).count()
    rows = [
        CampaignDelivery(
            campaign_id=campaign.id,
            business_id=campaign.business_id,
            customer_id=r.customer_id,
            card_id=r.card_id,
            channel=channel,
            occasion=occasion,
        )
        for r in recipients
        for channel in channels
    ]
    for start in range(0, len(rows), 1000):
        await CampaignDelivery.bulk_create(rows[start : start + 1000], ignore_conflicts=True)
    return await CampaignDelivery.filter(campaign_id=campaign.id).count() - before


async def pending_chunks(campaign_id: int, *, size: int | None = None) -> list[tuple[int, int]]:
    """Id ranges of the pending rows, `size` rows each: one send job per range."""
    size = size or int(os.environ.get("CAMPAIGN_CHUNK_SIZE", CHUNK))
    ids = (
        await CampaignDelivery.filter(campaign_id=campaign_id, status="pending")
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


async def fan_out(
    campaign_id: int,
) -> list[tuple[int, int]]:
    """Create the delivery rows of a due campaign and return the chunks to send.

    Safe to run again after a crash: the status moves queued/scheduled → sending only once
    and the rows are INSERT-or-ignore.
    """
    now = utcnow()
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or campaign.kind in AUTOMATION_KINDS:
        return []
    if campaign.status == "scheduled" and campaign.scheduled_at and campaign.scheduled_at > now:
        return []
    if campaign.status in ("queued", "scheduled"):
        await Campaign.filter(id=campaign.id, status__in=["queued", "scheduled"]).update(
            status="sending", started_at=now
        )
        await campaign.refresh_from_db()
    if campaign.status != "sending":
        return []
    recipients = await segments.recipients(campaign.business_id, campaign.segment)
    await insert_deliveries(campaign, recipients)
    await emit_progress(campaign.id)
    chunks = await pending_chunks(campaign.id)
    if not chunks:
        await finish_if_done(campaign.id)
    return chunks


async def due_scheduled() -> list[int]:
    """Scheduled campaigns whose time has come (the tick's safety net for lost scheduled jobs)."""
    now = utcnow()
    return list(await Campaign.filter(status="scheduled", scheduled_at__lte=now).values_list("id", flat=True)) + list(
        # A fan-out that died before creating any row.
        await Campaign.filter(status="queued", created_at__lt=now - claim_ttl()).values_list("id", flat=True)
    )


async def stalled() -> list[int]:
    """Campaigns with rows nobody is working on: stale claims, or pending rows past their time
    that no send job picked up (its job was lost with a worker)."""
    now = utcnow()
    cutoff = now - claim_ttl()
    stale = Q(status="sending", claimed_at__lt=cutoff)
    forgotten = Q(status="pending") & (Q(not_before__lt=now) | Q(not_before__isnull=True, created_at__lt=cutoff))
    return sorted(
        set(
            await CampaignDelivery.filter(stale | forgotten, campaign__status__in=["sending", "active"])
            .distinct()
            .values_list("campaign_id", flat=True)
        )
    )


# --- Sending -------------------------------------------------------------------------------


@dataclass
class Transports:
    """The channel adapters one send job uses; the SMTP session is reused across its rows."""

    smtp: SmtpSender | None = None
    gateways: dict[int, MessengerGateway] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Transports:
        conf = SmtpConfig.from_env()
        return cls(smtp=SmtpSender(conf) if conf else None)

    async def close(self) -> None:
        if self.smtp is not None:
            import asyncio

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
    marketing = ctx.campaign.kind != "direct"
    if row.channel == "email":
        if not customer.email:
            return "no_email"
        if pref is not None and pref.email_unsubscribed_at is not None:
            return "unsubscribed"
        if marketing and not customer.marketing_consent:
            return "no_consent"
    elif row.channel == "messenger":
        if ctx.integration is None:
            return "not_connected"
        if pref is None or not pref.messenger_address or pref.messenger_hint not in (ctx.integration.hints or []):
            return "no_messenger"
        if pref.messenger_unsubscribed_at is not None:
            return "unsubscribed"
        if marketing and not customer.marketing_consent:
            return "no_consent"
    elif row.channel == "push":
        if not push.has_wallet(card.platforms):
            return "no_wallet"
        if pref is not None and pref.push_unsubscribed_at is not None:
            return "unsubscribed"
    else:
        return "unknown_channel"
    return None


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
    if ctx.campaign.attachment:
        try:
            voucher = await ensure_grant(ctx.campaign, row, now=utcnow())
        except Exception as exc:  # a deleted pool must not stop the message itself
            log.exception("campaign %s: grant for customer %s failed", ctx.campaign.id, row.customer_id)
            grant_note = f"attachment not granted: {exc}"[:120]
    values = await _values(ctx, card, customer, voucher)
    subject = render(ctx.campaign.subject or ctx.business.name, values)
    body = render(ctx.campaign.body, values)
    key = push.message_id(ctx.campaign.id, row.id)
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
            p for p in (f"*{subject}*" if subject else "", body, _voucher_line(values), values["card_url"]) if p
        )
        result = await gateway.send(pref.messenger_hint or "", pref.messenger_address or "", text, key=key)
    else:
        result = await push.notify_wallet(card.id, subject, body, key=key)
    now = utcnow()
    if result.ok:
        if await _delivered(ctx, row, token, card, subject, body, result, now, note=grant_note):
            summary.delivered += 1
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


def _voucher_line(values: dict[str, str]) -> str:
    if not values.get("voucher"):
        return ""
    line = f"🎁 {values['voucher']}: {values['voucher_code']}"
    return line + (f" (until {values['voucher_expires']})" if values.get("voucher_expires") else "")


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
    import asyncio

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
        message_id=f"<{push.message_id(ctx.campaign.id, row.id)}@{host}>",
        voucher_title=values["voucher"] or None,
        voucher_code=values["voucher_code"] or None,
        voucher_expires=values["voucher_expires"] or None,
    )
    message = build_message(content, transports.smtp.config.sender)
    return await asyncio.to_thread(transports.smtp.send, message, customer.email)


async def _template(ctx: _Context, template_id: int) -> CardTemplate:
    if template_id not in ctx.templates:
        ctx.templates[template_id] = await CardTemplate.get(id=template_id)
    return ctx.templates[template_id]


async def _values(ctx: _Context, card: Card, customer: Customer, voucher: Voucher | None) -> dict[str, Any]:
    template = await _template(ctx, card.template_id)
    expires = ""
    if voucher is not None and voucher.expires_at is not None:
        expires = voucher.expires_at.astimezone(ctx.zone).strftime("%Y-%m-%d")
    return {
        "name": customer.name,
        "first_name": customer.name.split()[0] if customer.name.split() else customer.name,
        "business": ctx.business.name,
        "stamps": str(card.stamps),
        "stamps_required": str(template.stamps_required),
        "stamps_left": str(max(template.stamps_required - card.stamps, 0)),
        "reward": template.reward_title,
        "card_url": f"{ctx.public_url}/c/{card.token}",
        "voucher": voucher.title if voucher else "",
        "voucher_code": codes.format_redeem_code(voucher.redeem_code) if voucher else "",
        "voucher_expires": expires,
        "_template_id": template.id,
    }


def render(text: str, values: dict[str, Any]) -> str:
    """Fill `{name}`-style placeholders; unknown ones stay as typed (no attribute access)."""
    return _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values and not m.group(1).startswith("_") else m.group(0),
        text,
    )


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
) -> bool:
    async with in_transaction() as conn:
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
            return False
        await CardEvent.create(
            business_id=card.business_id,
            card_id=card.id,
            customer_id=card.customer_id,
            kind="message_sent",
            stamps_after=card.stamps,
            detail={
                "campaign_id": ctx.campaign.id,
                "campaign": ctx.campaign.name,
                "kind": ctx.campaign.kind,
                "channel": row.channel,
                "subject": subject,
                "delivery_id": row.id,
            },
            using_db=conn,
        )
        if row.channel == "push":
            message: CardMessage = {
                "type": "card.message",
                "business_id": card.business_id,
                "card_id": card.id,
                "number": card.number,
                "token": card.token,
                "campaign_id": ctx.campaign.id,
                "delivery_id": row.id,
                "title": subject,
                "body": body,
            }
            await outbox.record(conn, message)
    if row.channel == "push":
        outbox.committed()
    return True


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
        await CardEvent.create(
            business_id=card.business_id,
            card_id=card.id,
            customer_id=card.customer_id,
            kind="message_failed",
            stamps_after=card.stamps,
            detail={
                "campaign_id": ctx.campaign.id,
                "campaign": ctx.campaign.name,
                "channel": row.channel,
                "subject": subject,
                "delivery_id": row.id,
                "reason": reason,
                "error": result.detail[:255],
            },
            using_db=conn,
        )
    return True


async def ensure_grant(campaign: Campaign, row: CampaignDelivery, *, now: datetime) -> Voucher | None:
    """The recipient's attached voucher (or lottery prize), created the first time it is needed.

    Under the card's lock the grant row is looked up and, if missing, written together with
    the voucher, so concurrent senders of the recipient's other channels find it.
    """
    grant = await CampaignGrant.get_or_none(campaign_id=campaign.id, customer_id=row.customer_id, occasion=row.occasion)
    if grant is None:
        try:
            grant = await _grant(campaign, row, now)
        except IntegrityError:  # the unique key: another sender granted it first
            grant = await CampaignGrant.get(campaign_id=campaign.id, customer_id=row.customer_id, occasion=row.occasion)
    if grant is None or grant.voucher_id is None:
        return None
    return await Voucher.get_or_none(id=grant.voucher_id)


async def _grant(campaign: Campaign, row: CampaignDelivery, now: datetime) -> CampaignGrant | None:
    attachment = campaign.attachment
    async with in_transaction() as conn:
        card = await lock_card(conn, row.card_id)
        if card is None:
            return None
        existing = await CampaignGrant.get_or_none(
            campaign_id=campaign.id, customer_id=row.customer_id, occasion=row.occasion
        ).using_db(conn)
        if existing is not None:
            return existing
        voucher_id = draw_id = None
        if attachment.get("type") == "voucher":
            days = attachment.get("valid_days")
            voucher = await create_voucher(
                conn,
                card,
                title=attachment["title"],
                source="campaign",
                expires_at=now + timedelta(days=days) if days else None,
                note=f"campaign {campaign.name}"[:500],
            )
            voucher_id = voucher.id
        elif attachment.get("type") == "lottery":
            from hub.domain import lottery

            pool = await PrizePool.get_or_none(id=attachment["pool_id"], business_id=campaign.business_id).using_db(
                conn
            )
            if pool is None:
                raise NotFound("The campaign's prize pool was deleted.")
            template = await CardTemplate.get(id=card.template_id).using_db(conn)
            draw = await lottery.draw_in_transaction(conn, card, pool, source="campaign", template=template)
            draw_id, voucher_id = draw.id, draw.voucher_id
        grant = await CampaignGrant.create(
            campaign_id=campaign.id,
            customer_id=row.customer_id,
            occasion=row.occasion,
            card_id=card.id,
            voucher_id=voucher_id,
            draw_id=draw_id,
            using_db=conn,
        )
    outbox.committed()
    return grant


# --- Progress --------------------------------------------------------------------------------


async def stats(campaign_id: int) -> dict[str, Any]:
    """{"total", "done", "channels": {channel: {status: count}}} for the list and progress events."""
    rows = await (
        CampaignDelivery.filter(campaign_id=campaign_id)
        .annotate(n=Count("id"))
        .group_by("channel", "status")
        .values("channel", "status", "n")
    )
    channels: dict[str, dict[str, int]] = {}
    total = done = 0
    for r in rows:
        per = channels.setdefault(r["channel"], {s: 0 for s in (*OPEN, *FINAL)})
        per[r["status"]] = per.get(r["status"], 0) + r["n"]
        total += r["n"]
        if r["status"] in FINAL:
            done += r["n"]
    return {"total": total, "done": done, "channels": channels}


async def stats_for(campaign_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {cid: {"total": 0, "done": 0, "channels": {}} for cid in campaign_ids}
    rows = await (
        CampaignDelivery.filter(campaign_id__in=campaign_ids)
        .annotate(n=Count("id"))
        .group_by("campaign_id", "channel", "status")
        .values("campaign_id", "channel", "status", "n")
    )
    for r in rows:
        entry = out[r["campaign_id"]]
        per = entry["channels"].setdefault(r["channel"], {s: 0 for s in (*OPEN, *FINAL)})
        per[r["status"]] = per.get(r["status"], 0) + r["n"]
        entry["total"] += r["n"]
        if r["status"] in FINAL:
            entry["done"] += r["n"]
    return out


async def emit_progress(campaign_id: int) -> None:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        return
    numbers = await stats(campaign_id)
    event: CampaignProgress = {
        "type": "campaign.progress",
        "business_id": campaign.business_id,
        "campaign_id": campaign.id,
        "status": campaign.status,
        "total": numbers["total"],
        "done": numbers["done"],
        "channels": numbers["channels"],
    }
    async with in_transaction() as conn:
        await outbox.record(conn, event)
    outbox.committed()


async def finish_if_done(
    campaign_id: int,
) -> bool:
    """sending → done once no row is open; automations stay active."""
    if await CampaignDelivery.exists(campaign_id=campaign_id, status__in=list(OPEN)):
        return False
    return bool(await Campaign.filter(id=campaign_id, status="sending").update(status="done", finished_at=utcnow()))


@dataclass(frozen=True)
class OpenWork:
    ready: int  # claimable now: pending and due, or claimed by a sender that went quiet
    in_flight: int  # claimed by a sender that still beats
    newest_beat: datetime | None
    next_retry: datetime | None


async def open_work(
    campaign_id: int,
) -> OpenWork:
    now = utcnow()
    cutoff = now - claim_ttl()
    ready = await CampaignDelivery.filter(
        (Q(status="pending") & (Q(not_before__isnull=True) | Q(not_before__lte=now)))
        | Q(status="sending", claimed_at__lt=cutoff),
        campaign_id=campaign_id,
    ).count()
    flight = CampaignDelivery.filter(campaign_id=campaign_id, status="sending", claimed_at__gte=cutoff)
    in_flight = await flight.count()
    beats = await flight.order_by("-claimed_at").limit(1).values_list("claimed_at", flat=True)
    later = (
        await CampaignDelivery.filter(campaign_id=campaign_id, status="pending", not_before__gt=now)
        .order_by("not_before")
        .limit(1)
        .values_list("not_before", flat=True)
    )
    return OpenWork(ready, in_flight, beats[0] if beats else None, later[0] if later else None)


# --- Consent and unsubscribe ---------------------------------------------------------------


def unsubscribe_token(secret: bytes, customer_id: int) -> str:
    """`<customer id>.<mac>`: the link in every message, valid as long as the secret is."""
    mac = hmac.new(secret, f"unsubscribe:{customer_id}".encode(), sha256).hexdigest()[:24]
    return f"{customer_id}.{mac}"


def customer_for_token(secret: bytes, token: str) -> int | None:
    try:
        raw_id, mac = (token or "").split(".", 1)
        customer_id = int(raw_id)
    except ValueError:
        return None
    return customer_id if hmac.compare_digest(unsubscribe_token(secret, customer_id), f"{raw_id}.{mac}") else None


async def preference(customer_id: int) -> ContactPreference:
    customer = await Customer.get_or_none(id=customer_id)
    if customer is None:
        raise NotFound("No such customer.")
    pref = await ContactPreference.get_or_none(customer_id=customer_id)
    if pref is None:
        try:
            pref = await ContactPreference.create(customer_id=customer_id, business_id=customer.business_id)
        except IntegrityError:
            pref = await ContactPreference.get(customer_id=customer_id)
    return pref


async def unsubscribe(secret: bytes, token: str, *, channels: tuple[str, ...] = ("email",)) -> Customer:
    """Honour an unsubscribe link; every later campaign skips these channels for this customer."""
    customer_id = customer_for_token(secret, token)
    if customer_id is None:
        raise NotFound("This unsubscribe link is not valid.")
    now = utcnow()
    pref = await preference(customer_id)
    values = {f"{c}_unsubscribed_at": now for c in channels if c in CHANNELS}
    if values:
        await ContactPreference.filter(id=pref.id).update(**values)
    return await Customer.get(id=customer_id)


async def resubscribe(secret: bytes, token: str, *, channels: tuple[str, ...] = CHANNELS) -> Customer:
    customer_id = customer_for_token(secret, token)
    if customer_id is None:
        raise NotFound("This unsubscribe link is not valid.")
    pref = await preference(customer_id)
    await ContactPreference.filter(id=pref.id).update(**{f"{c}_unsubscribed_at": None for c in channels})
    return await Customer.get(id=customer_id)


async def link_messenger_contact(business_id: int, card_id: int, hint: str, address: str) -> ContactPreference:
    """Store the customer's messenger address (from the gateway's opt-in flow or the owner)."""
    if hint not in MESSENGER_HINTS:
        raise InvalidInput("Choose WhatsApp, Telegram or Viber.", field="hint")
    address = (address or "").strip()
    if not address or len(address) > 128:
        raise InvalidInput("Enter the messenger address.", field="address")
    card = await Card.get_or_none(id=card_id, business_id=business_id)
    if card is None:
        raise NotFound("No such card.")
    pref = await preference(card.customer_id)
    await ContactPreference.filter(id=pref.id).update(messenger_hint=hint, messenger_address=address)
    await pref.refresh_from_db()
    return pref


async def messenger_opt_in(gateway_token: str, card_token: str, hint: str, address: str) -> ContactPreference:
    """The gateway reports that a customer opened a chat with the card's join link (which carries
    the card page token): from now on campaigns reach them on that messenger. The gateway
    proves itself with the token the card's business connected it with."""
    card = await Card.get_or_none(token=card_token or "", deleted_at=None) if card_token else None
    integration = (
        await MessengerIntegration.get_or_none(business_id=card.business_id, status="connected") if card else None
    )
    if integration is None or not hmac.compare_digest(integration.token.encode(), (gateway_token or "").encode()):
        raise Unauthorized("Unknown messenger gateway token or card.")
    assert card is not None
    if hint not in (integration.hints or []):
        raise InvalidInput("This gateway does not offer that messenger.", field="channel")
    pref = await link_messenger_contact(integration.business_id, card.id, hint, address)
    await ContactPreference.filter(id=pref.id).update(messenger_unsubscribed_at=None)
    return pref


async def messenger_opt_out(
    gateway_token: str,
    hint: str,
    address: str,
) -> int:
    """The customer wrote STOP in the chat: no more campaign messages there, from any business
    connected through this gateway account. Returns how many customers had that address."""
    businesses = [
        i.business_id
        for i in await MessengerIntegration.filter(status="connected", token=(gateway_token or "").strip())
        if gateway_token and hmac.compare_digest(i.token.encode(), gateway_token.strip().encode())
    ]
    if not businesses:
        raise Unauthorized("Unknown messenger gateway token.")
    return await ContactPreference.filter(
        business_id__in=businesses, messenger_hint=hint, messenger_address=(address or "").strip()
    ).update(messenger_unsubscribed_at=utcnow())


# --- Messenger integration -----------------------------------------------------------------


async def connect_messenger(
    business_id: int, base_url: str, token: str, *, gateway: MessengerGateway | None = None
) -> MessengerIntegration:
    """Check the gateway with the token and store it as connected (or raise with why not)."""
    base_url, token = (base_url or "").strip().rstrip("/"), (token or "").strip()
    if not base_url.startswith(("http://", "https://")) or len(base_url) > 255:
        raise InvalidInput("Enter the gateway's URL (https://…).", field="base_url")
    if refusal := egress.check_url(base_url):
        raise InvalidInput(refusal, field="base_url")
    if not token:
        raise InvalidInput("Enter the gateway token.", field="token")
    gateway = gateway or MessengerGateway(base_url, token)
    try:
        account = await gateway.account()
    except GatewayError as exc:
        raise InvalidInput(exc.detail, field="base_url") from exc
    finally:
        await gateway.aclose()
    if not account.channels:
        raise InvalidInput("The gateway account has no WhatsApp, Telegram or Viber channel.", field="base_url")
    values = {
        "base_url": base_url,
        "token": token,
        "hints": account.channels,
        "status": "connected",
        "last_error": "",
        "connected_at": utcnow(),
    }
    integration = await MessengerIntegration.get_or_none(business_id=business_id)
    if integration is None:
        return await MessengerIntegration.create(business_id=business_id, **values)
    await MessengerIntegration.filter(id=integration.id).update(**values)
    await integration.refresh_from_db()
    return integration


async def disconnect_messenger(business_id: int) -> None:
    await MessengerIntegration.filter(business_id=business_id).update(status="disconnected")


# --- Preview -------------------------------------------------------------------------------


async def preview(
    business_id: int,
    *,
    subject: str,
    body: str,
    attachment: dict[str, Any] | None = None,
    card_id: int | None = None,
    secret: bytes | None = None,
    public_url: str | None = None,
) -> dict[str, str]:
    """The email as a sample customer would get it: {"subject", "text", "html"}; no voucher is made."""
    from hub.channels.email import render_html, render_text

    business = await Business.get(id=business_id)
    query = Card.filter(business_id=business_id, deleted_at=None)
    card = await (query.filter(id=card_id) if card_id else query.order_by("id")).first()
    conf = settings()
    public_url = public_url or conf.public_url
    if card is not None:
        customer = await Customer.get(id=card.customer_id)
        template = await CardTemplate.get(id=card.template_id)
        values: dict[str, Any] = {
            "name": customer.name,
            "first_name": customer.name.split()[0] if customer.name.split() else "",
            "business": business.name,
            "stamps": str(card.stamps),
            "stamps_required": str(template.stamps_required),
            "stamps_left": str(max(template.stamps_required - card.stamps, 0)),
            "reward": template.reward_title,
            "card_url": f"{public_url}/c/{card.token}",
        }
        design = template.design or {}
    else:
        values = {
            "name": "Mina Park",
            "first_name": "Mina",
            "business": business.name,
            "stamps": "3",
            "stamps_required": "8",
            "stamps_left": "5",
            "reward": "Free coffee",
            "card_url": f"{public_url}/c/example",
        }
        template = await CardTemplate.filter(business_id=business_id).order_by("id").first()
        design = template.design if template else {}
    clean = _attachment(business_id, attachment) if attachment else {}
    values.update(voucher="", voucher_code="", voucher_expires="")
    if clean.get("type") == "voucher":
        values.update(voucher=clean["title"], voucher_code="ABCD-EFGH")
    elif clean.get("type") == "lottery":
        values.update(voucher="Lottery prize (drawn when sent)", voucher_code="—")
    content = EmailContent(
        to="customer@example.com",
        to_name=values["name"],
        subject=render(subject or business.name, values),
        text=render(body, values),
        business_name=business.name,
        colors={k: str(v) for k, v in design.items() if k in ("background", "foreground", "accent")},
        card_url=values["card_url"],
        unsubscribe_url=f"{public_url}/u/preview",
        one_click_url=f"{public_url}/u/preview",
        message_id="<preview@stamphub>",
        voucher_title=values["voucher"] or None,
        voucher_code=values["voucher_code"] or None,
    )
    return {"subject": content.subject, "text": render_text(content), "html": render_html(content)}


async def reach(business_id: int, spec: dict[str, Any], *, kind: str = "broadcast") -> dict[str, Any]:
    """How many of the audience each channel can reach, and why the others are skipped."""
    recipients = await segments.recipients(business_id, segments.normalize(spec))
    customer_ids = [r.customer_id for r in recipients]
    card_ids = [r.card_id for r in recipients]
    customers = {
        c["id"]: c for c in await Customer.filter(id__in=customer_ids).values("id", "email", "marketing_consent")
    }
    prefs = {p.customer_id: p for p in await ContactPreference.filter(customer_id__in=customer_ids)}
    platforms = dict(await Card.filter(id__in=card_ids).values_list("id", "platforms"))
    integration = await MessengerIntegration.get_or_none(business_id=business_id, status="connected")
    marketing = kind != "direct"
    out = {"audience": len(recipients), "email": 0, "push": 0, "messenger": 0}
    for r in recipients:
        c, p = customers.get(r.customer_id, {}), prefs.get(r.customer_id)
        consent = c.get("marketing_consent") or not marketing
        if c.get("email") and consent and not (p and p.email_unsubscribed_at):
            out["email"] += 1
        if push.has_wallet(platforms.get(r.card_id)) and not (p and p.push_unsubscribed_at):
            out["push"] += 1
        if (
            integration
            and p
            and p.messenger_address
            and p.messenger_hint in (integration.hints or [])
            and consent
            and not p.messenger_unsubscribed_at
        ):
            out["messenger"] += 1
    return out


async def card_messages(card_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """The campaign deliveries of one card, newest first (for the card's history)."""
    rows = await CampaignDelivery.filter(card_id=card_id).order_by("-id").limit(limit).prefetch_related("campaign")
    return [
        {
            "campaign_id": r.campaign_id,
            "campaign": r.campaign.name,
            "channel": r.channel,
            "status": r.status,
            "reason": r.reason,
            "detail": r.detail,
            "at": (r.delivered_at or r.created_at).isoformat(),
        }
        for r in rows
    ]
