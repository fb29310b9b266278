"""Creating a campaign (broadcast, or a message to one card) and cancelling it; the caller queues
its fan-out job (hub.workers.campaign_jobs.enqueue_campaign)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hub.clock import utcnow
from hub.delivery.email import SmtpConfig
from hub.delivery.results import CHANNELS
from hub.domain import segments
from hub.errors import InvalidInput, NotFound
from hub.models import Campaign, CampaignDelivery, Card, Customer, MessengerIntegration, PrizePool

CHANNEL_NAMES = {"push": "PUSH", "email": "email", "messenger": "messenger"}


async def available_channels(business_id: int) -> list[str]:
    """The channels a campaign of this business may use now: Messenger only while connected."""
    out = ["push"]
    if SmtpConfig.configured() is not None:
        out.append("email")
    if await MessengerIntegration.exists(business_id=business_id, status="connected"):
        out.append("messenger")
    return out


def clean_attachment(business_id: int, attachment: dict[str, Any] | None) -> dict[str, Any]:
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


async def validate(
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
    clean = clean_attachment(business_id, attachment)
    if clean.get("type") == "lottery" and not await PrizePool.exists(
        id=clean["pool_id"], business_id=business_id, archived_at__isnull=True
    ):
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
    name, subject, body, chosen, clean = await validate(
        business_id, name=name, subject=subject, body=body, channels=channels, attachment=attachment
    )
    spec = segments.normalize(segment)
    if scheduled_at is not None and scheduled_at.tzinfo is None:
        raise InvalidInput("The send time needs a time zone.", field="scheduled_at")
    if scheduled_at is not None:
        # Stored in UTC: SQLite compares timestamps as text.
        scheduled_at = None if scheduled_at <= now else scheduled_at.astimezone(UTC)
    if scheduled_at is None:  # a later send's audience may still grow
        await ensure_receivable(business_id, spec, chosen, kind=kind)
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


async def ensure_receivable(business_id: int, spec: dict[str, Any], channels: list[str], *, kind: str) -> None:
    """Refuse a message nobody would receive, so sending never reads as a success it is not."""
    from hub.domain.campaigns.preview import reach  # preview builds on this module

    counts = await reach(business_id, spec, kind=kind)
    if not counts["audience"]:
        raise InvalidInput("No customer is in this audience, so nobody would receive the message.", field="segment")
    if not any(counts.get(channel) for channel in channels):
        names = ", ".join(CHANNEL_NAMES.get(c, c) for c in channels)
        raise InvalidInput(f"Nobody can receive this message by {names}. Choose another channel.", field="channels")


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
