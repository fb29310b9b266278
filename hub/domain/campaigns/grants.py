"""What a campaign attaches (a voucher or a lottery draw), granted once per recipient and
occasion: a `CampaignGrant` row with a unique key, written in the transaction that creates the
voucher, under the card's lock, before the first message that shows it."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from hub.domain.locks import lock_card
from hub.domain.vouchers import create_voucher
from hub.errors import NotFound
from hub.models import Campaign, CampaignDelivery, CampaignGrant, CardTemplate, Voucher
from hub.realtime import outbox


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
    async with outbox.transaction() as conn:
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

            pool = await lottery.drawable_pool(conn, campaign.business_id, attachment["pool_id"])
            if pool is None:
                raise NotFound("The campaign's prize pool was deleted or archived.")
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
    return grant
