"""Every event type the platform declares is emitted by its action with exactly its declared
fields (tests/events.py checks each captured event against its schema)."""

from datetime import timedelta

from hub.clock import utcnow
from hub.domain import campaigns, lottery, templates
from hub.domain.api_keys import revoke_api_key
from hub.domain.cards import delete_card
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.vouchers import expire_vouchers, issue_manual_voucher, redeem_voucher
from hub.models import ApiKey, Voucher
from hub.realtime import events
from hub.workers.campaign_jobs import enqueue_campaign
from tests.campaigns.conftest import run_burst_worker
from tests.events import CapturedEvents
from tests.factories import make_shop, new_card


async def test_every_declared_event_is_emitted_with_its_declared_fields(shop, clock_at):
    clock = clock_at(utcnow())
    async with CapturedEvents() as captured:
        card = await new_card(shop)
        for _ in range(8):
            await add_stamp(shop.business_id, card.id, seat_id=shop.seat.id, location_id=shop.location.id)
        await adjust_stamps(shop.business_id, card.id, 1)
        voucher = await Voucher.get(card_id=card.id)
        await redeem_voucher(shop.business_id, voucher, seat_id=shop.seat.id)
        await issue_manual_voucher(shop.business_id, card.id, title="Sorry", expires_at=utcnow() + timedelta(hours=1))
        clock.advance(timedelta(hours=2))
        await expire_vouchers()
        campaign = await campaigns.send_message_to_card(shop.business_id, card.id, ["push"], "Hello", "Cake is ready.")
        enqueue_campaign(campaign)
        run_burst_worker()
        await delete_card(shop.business_id, card.id)

        template = await templates.publish(shop.business_id, shop.template.id)
        await templates.apply_version(shop.business_id, template.id, template.version)
        await revoke_api_key(shop.business_id, (await ApiKey.get(business_id=shop.business_id)).id)

        lucky = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
        pool = await lottery.create_pool(lucky.business_id, "Spring draw", template_id=lucky.template.id)
        await lottery.add_prize(lucky.business_id, pool.id, "Free cake", weight=1, stock=1)
        await lottery.fire_lottery(lucky.business_id, lucky.card.id, pool.id, source="receipt")

    # A campaign's push becomes a card.message only for a card in a wallet (tests/campaigns).
    assert {e["type"] for e in captured.events} == set(events.EVENT_TYPES) - {"card.message"}
