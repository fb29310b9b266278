"""A campaign with a lottery slot: one spin waiting per recipient, whatever the number of channels."""

from __future__ import annotations

from hub.domain import campaigns, lottery
from hub.models import CampaignGrant, LotteryDraw, Voucher
from tests.campaigns.conftest import make_audience


async def test_each_recipient_gets_exactly_one_spin_waiting_on_the_card_page(smtp):
    audience = await make_audience(3)
    pool = await lottery.create_pool(audience.shop.business_id, "Autumn draw")
    await lottery.add_prize(audience.shop.business_id, pool.id, "Free cake", weight=1, valid_days=7)
    campaign = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Lucky week",
        subject="Your draw",
        body="Good luck {first_name}!",
        channels=["email", "push"],
        attachment={"type": "lottery", "pool_id": pool.id},
    )
    await campaigns.fan_out(campaign.id)
    transports = campaigns.Transports.configured()
    try:
        await campaigns.send_range(campaign.id, transports=transports)
        await campaigns.send_range(campaign.id, transports=transports)  # a second pass finds nothing to do
    finally:
        await transports.close()
    for card, address in zip(audience.cards, audience.emails, strict=True):
        draws = await LotteryDraw.filter(card_id=card.id, source="campaign")
        assert len(draws) == 1 and draws[0].voucher_id is not None
        voucher = await Voucher.get(id=draws[0].voucher_id)
        [mail] = smtp.to(address)
        # The prize stays sealed until the customer plays the spin on the card page.
        assert lottery.SPIN_WAITING in mail.part("plain") and f"/c/{card.token}" in mail.part("plain")
        assert "Free cake" not in mail.part("plain") and voucher.redeem_code[:4] not in mail.part("plain").replace(
            "-", ""
        )
        assert [d.id for d in await lottery.unrevealed_draws(card.id)] == [draws[0].id]
    # and the shop's own card, whose PUSH lands in its inbox with its spin
    assert await CampaignGrant.filter(campaign_id=campaign.id, draw_id__isnull=False).count() == 4
