"""Automated campaigns: Birthday greeting, Win-back and the post-purchase thank-you.

Each automation is one long-lived `Campaign` of its kind (status active or paused) whose
deliveries accumulate, so it has its own stats. A firing is an *occasion* on the delivery
key — the birthday's year, the lapse's last visit, the purchase's day — so a tick that
runs twice, or two workers ticking at once, never greet anyone twice.

Time is local to the business (`Business.timezone`): birthdays fire on the customer's day
from the configured hour; a win-back after N days fires on the N-th local day after the
last visit. They read the one clock (hub.clock), so tests walk it across midnight.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from hub import clock
from hub.clock import utcnow
from hub.domain import campaigns, segments
from hub.errors import InvalidInput, NotFound
from hub.models import Business, Campaign, CampaignDelivery, Card, Customer

DEFAULTS: dict[str, dict[str, Any]] = {
    "birthday": {
        "name": "Birthday greeting",
        "subject": "Happy birthday, {first_name}!",
        "body": "Happy birthday from all of us at {business}! Come by for a treat on us.",
        "channels": ["push", "email"],
        "attachment": {"type": "voucher", "title": "Birthday treat", "valid_days": 30},
        "settings": {"hour": 9},
    },
    "winback": {
        "name": "Win-back",
        "subject": "We miss you, {first_name}",
        "body": "It has been a while! Your card has {stamps} of {stamps_required} stamps — "
        "only {stamps_left} to go for your {reward}.",
        "channels": ["push", "email"],
        "attachment": {},
        "settings": {"days": 30, "hour": 11},
    },
    "post_purchase": {
        "name": "Thank you after a visit",
        "subject": "Thanks for visiting {business}",
        "body": "Thank you, {first_name}! Your card now has {stamps} of {stamps_required} stamps.",
        "channels": ["push"],
        "attachment": {},
        "settings": {"delay_minutes": 60, "every_days": 30, "on": ["stamp", "redeem"]},
    },
}


async def automation(business_id: int, kind: str) -> Campaign:
    """The business's automation of this kind, created paused with sensible defaults."""
    if kind not in DEFAULTS:
        raise NotFound("No such automation.")
    found = await Campaign.filter(business_id=business_id, kind=kind).order_by("id").first()
    if found is not None:
        return found
    d = DEFAULTS[kind]
    return await Campaign.create(
        business_id=business_id,
        kind=kind,
        name=d["name"],
        subject=d["subject"],
        body=d["body"],
        channels=list(d["channels"]),
        attachment=dict(d["attachment"]),
        settings=dict(d["settings"]),
        status="paused",
    )


def _settings(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    merged = {**DEFAULTS[kind]["settings"], **{k: v for k, v in (raw or {}).items() if v not in (None, "")}}
    out: dict[str, Any] = {}
    if "hour" in merged:
        hour = int(merged["hour"])
        if not 0 <= hour <= 23:
            raise InvalidInput("Choose an hour from 0 to 23.", field="hour")
        out["hour"] = hour
    if kind == "winback":
        days = int(merged["days"])
        if not 1 <= days <= 3650:
            raise InvalidInput("Choose 1 to 3650 days.", field="days")
        out["days"] = days
    if kind == "post_purchase":
        delay, every = int(merged["delay_minutes"]), int(merged["every_days"])
        if not 0 <= delay <= 7 * 24 * 60:
            raise InvalidInput("Send 0 minutes to 7 days after the visit.", field="delay_minutes")
        if not 0 <= every <= 365:
            raise InvalidInput("Choose 0 to 365 days between thank-yous.", field="every_days")
        on = [t for t in merged.get("on") or [] if t in ("stamp", "redeem")]
        if not on:
            raise InvalidInput("Send after a stamp, a redemption or both.", field="on")
        out.update(delay_minutes=delay, every_days=every, on=on)
    if "last_run" in (raw or {}):
        out["last_run"] = raw["last_run"]
    return out


async def configure(
    business_id: int,
    kind: str,
    *,
    enabled: bool,
    subject: str,
    body: str,
    channels: list[str],
    attachment: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> Campaign:
    """Save an automation's message and rules; `enabled` switches it on (active) or off (paused)."""
    current = await automation(business_id, kind)
    name, subject, body, chosen, clean = await campaigns.validate(
        business_id,
        name=current.name,
        subject=subject,
        body=body,
        channels=channels,
        attachment=attachment,
        check_available=enabled,
    )
    values = _settings(kind, {**(current.settings or {}), **(settings or {})})
    await Campaign.filter(id=current.id).update(
        subject=subject,
        body=body,
        channels=chosen,
        attachment=clean,
        settings=values,
        status="active" if enabled else "paused",
    )
    await current.refresh_from_db()
    return current


def _zone(business: Business):
    return clock.zone(business.timezone)


def birthday_today(born: date, today: date) -> bool:
    if (born.month, born.day) == (today.month, today.day):
        return True
    # 29 February birthdays are celebrated on the 28th in common years.
    return (born.month, born.day) == (2, 29) and (today.month, today.day) == (2, 28) and not calendar.isleap(today.year)


async def newest_cards(business_id: int, customer_ids: list[int]) -> list[segments.Recipient]:
    rows = (
        await Card.filter(business_id=business_id, customer_id__in=customer_ids, deleted_at=None)
        .order_by("id")
        .values_list("customer_id", "id")
    )
    return list({cid: segments.Recipient(cid, card_id) for cid, card_id in rows}.values())


async def _mark_run(campaign: Campaign, day: date) -> None:
    fresh = await Campaign.get(id=campaign.id)
    await Campaign.filter(id=campaign.id).update(settings={**(fresh.settings or {}), "last_run": day.isoformat()})


async def run_birthdays() -> list[int]:
    """Create today's birthday deliveries for every active birthday automation whose local hour
    has come; returns the campaigns that got new rows."""
    now = utcnow()
    fired = []
    for campaign in await Campaign.filter(kind="birthday", status="active"):
        business = await Business.get(id=campaign.business_id)
        local = now.astimezone(_zone(business))
        if local.hour < int(campaign.settings.get("hour", 9)):
            continue
        today = clock.local_today(local.tzinfo, now)
        if campaign.settings.get("last_run") == today.isoformat():
            continue
        born = await Customer.filter(business_id=business.id, birthday__isnull=False).values_list("id", "birthday")
        ids = [cid for cid, day in born if birthday_today(day, today)]
        if ids and await campaigns.insert_deliveries(
            campaign, await newest_cards(business.id, ids), occasion=f"birthday:{today.year}"
        ):
            fired.append(campaign.id)
        await _mark_run(campaign, today)
    return fired


def lapse_cutoff(today: date, days: int, zone) -> datetime:
    """Last visits before this instant are at least `days` local days ago on `today`."""
    return clock.day_start(today - timedelta(days=days - 1), zone)


async def run_winbacks() -> list[int]:
    """Create win-back deliveries for customers not stamped for N local days: once per lapse
    (the occasion is the last visit itself, so a new visit starts a new lapse)."""
    now = utcnow()
    fired = []
    for campaign in await Campaign.filter(kind="winback", status="active"):
        business = await Business.get(id=campaign.business_id)
        zone = _zone(business)
        local = now.astimezone(zone)
        if local.hour < int(campaign.settings.get("hour", 11)):
            continue
        today = clock.local_today(local.tzinfo, now)
        if campaign.settings.get("last_run") == today.isoformat():
            continue
        cutoff = lapse_cutoff(today, int(campaign.settings.get("days", 30)), zone)
        rows = (
            await Card.filter(
                Q(last_stamp_at__lt=cutoff) | Q(last_stamp_at__isnull=True, created_at__lt=cutoff),
                business_id=business.id,
                deleted_at=None,
            )
            .order_by("id")
            .values("id", "customer_id", "last_stamp_at", "created_at")
        )
        by_lapse: dict[str, list[segments.Recipient]] = {}
        newest: dict[int, dict[str, Any]] = {row["customer_id"]: row for row in rows}
        for row in newest.values():
            since = row["last_stamp_at"] or row["created_at"]
            by_lapse.setdefault(f"lapse:{int(since.timestamp())}", []).append(
                segments.Recipient(row["customer_id"], row["id"])
            )
        new = 0
        for occasion, recipients in by_lapse.items():
            new += await campaigns.insert_deliveries(campaign, recipients, occasion=occasion)
        if new:
            fired.append(campaign.id)
        await _mark_run(campaign, today)
    return fired


async def run_due() -> list[int]:
    return sorted(set(await run_birthdays()) | set(await run_winbacks()))


async def post_purchase_triggers(events: list[dict[str, Any]]) -> list[tuple[int, int, str, int]]:
    """From relayed events: (business_id, card_id, trigger, delay_seconds) for each stamp or
    redemption of a business whose post-purchase automation is on."""
    kinds = {"card.stamped": "stamp", "voucher.redeemed": "redeem"}
    relevant = [e for e in events if e.get("type") in kinds and e.get("card_id")]
    if not relevant:
        return []
    active = {
        c.business_id: c
        for c in await Campaign.filter(
            kind="post_purchase", status="active", business_id__in=list({e["business_id"] for e in relevant})
        )
    }
    out = []
    for e in relevant:
        campaign = active.get(e["business_id"])
        trigger = kinds[e["type"]]
        if campaign is None or trigger not in campaign.settings.get("on", []):
            continue
        out.append((e["business_id"], e["card_id"], trigger, int(campaign.settings.get("delay_minutes", 0)) * 60))
    return out


async def fire_post_purchase(business_id: int, card_id: int, trigger: str) -> int | None:
    """Create the thank-you deliveries for one visit; returns the campaign id if any row is new.

    At most one per customer per local day (the occasion), and none within `every_days` of
    the previous one.
    """
    now = utcnow()
    campaign = await Campaign.filter(business_id=business_id, kind="post_purchase", status="active").first()
    card = await Card.get_or_none(id=card_id, business_id=business_id, deleted_at=None)
    if campaign is None or card is None:
        return None
    every = int(campaign.settings.get("every_days", 0))
    if every and await CampaignDelivery.exists(
        campaign_id=campaign.id, customer_id=card.customer_id, created_at__gt=now - timedelta(days=every)
    ):
        return None
    business = await Business.get(id=business_id)
    day = clock.local_today(_zone(business), now)
    new = await campaigns.insert_deliveries(
        campaign, [segments.Recipient(card.customer_id, card.id)], occasion=f"visit:{day.isoformat()}"
    )
    return campaign.id if new else None
