"""A 3-channel campaign with an attached voucher, sent by a real RQ worker process."""

from __future__ import annotations

from collections import Counter

from hub.domain import campaigns
from hub.models import Campaign, CampaignDelivery, CampaignGrant, CardEvent, InboxMessage, Voucher, WalletPass
from hub.workers.campaign_jobs import enqueue_campaign
from tests.campaigns.conftest import make_audience, run_burst_worker


async def test_a_three_channel_campaign_reaches_everyone_once_per_channel_with_one_voucher_each(smtp, gateway):
    audience = await make_audience(12, gateway=gateway)
    shop = audience.shop
    campaign = await campaigns.create_campaign(
        shop.business_id,
        name="Autumn menu",
        subject="New at {business}, {first_name}",
        body="Hello {name}!\n\nYou have {stamps} of {stamps_required} stamps.",
        channels=["push", "email", "messenger"],
        attachment={"type": "voucher", "title": "Pumpkin latte", "valid_days": 14},
    )
    enqueue_campaign(campaign)
    run_burst_worker(CAMPAIGN_CHUNK_SIZE="10")

    await campaign.refresh_from_db()
    assert campaign.status == "done"
    rows = await CampaignDelivery.filter(campaign_id=campaign.id)
    # Mina (the shop's own card) has no consent and no messenger: skipped, with the reasons; her
    # PUSH lands in her card page's inbox.
    by_status = Counter((r.channel, r.status) for r in rows)
    assert by_status[("email", "delivered")] == 12
    assert by_status[("messenger", "delivered")] == 12
    assert by_status[("push", "delivered")] == 13
    skipped = {(r.channel, r.reason) for r in rows if r.status == "skipped"}
    assert skipped == {("email", "no_consent"), ("messenger", "no_messenger")}

    for card, address, phone in zip(audience.cards, audience.emails, audience.phones, strict=True):
        mails = smtp.to(address)
        assert len(mails) == 1, address
        vouchers = await Voucher.filter(card_id=card.id, source="campaign")
        assert len(vouchers) == 1
        code = vouchers[0].redeem_code
        text, html = mails[0].part("plain"), mails[0].part("html")
        assert "New at Campaign Café, Guest" in str(mails[0].message["Subject"])
        assert code[:4] in text.replace("-", "") and "Pumpkin latte" in html
        assert "#123456" in html and "/u/" in text
        assert mails[0].message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert len(gateway.to(phone)) == 1
        assert "Pumpkin latte" in gateway.to(phone)[0]["text"]
        sent = await CardEvent.filter(card_id=card.id, kind="message_sent")
        assert sorted(e.detail["channel"] for e in sent) == ["email", "messenger", "push"]
    # Every card, Mina's too, has the message in its inbox with its voucher attached.
    assert await CampaignGrant.filter(campaign_id=campaign.id).count() == 13
    messages = await InboxMessage.filter(campaign_id=campaign.id)
    assert len(messages) == 13 and all(m.voucher_id for m in messages)
    # PUSH went through the wallet's seam: its notice job set each pass's notice.
    for card in audience.cards:
        notice = await WalletPass.get_or_none(card_id=card.id).values_list("notice", flat=True)
        assert notice and notice.startswith("New at Campaign Café")
    stats = await campaigns.stats(campaign.id)
    assert stats["done"] == stats["total"] == 39


async def test_an_smtp_bounce_is_recorded_on_the_delivery_and_the_card_history(smtp):
    audience = await make_audience(3)
    smtp.bounce.add(audience.emails[1])
    campaign = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Bounce",
        subject="Hi",
        body="Hello {first_name}",
        channels=["email"],
    )
    await campaigns.fan_out(campaign.id)
    transports = campaigns.Transports.configured()
    try:
        summary = await campaigns.send_range(campaign.id, transports=transports)
    finally:
        await transports.close()
    assert (summary.delivered, summary.failed, summary.skipped) == (2, 1, 1)
    bounced = await CampaignDelivery.get(campaign_id=campaign.id, card_id=audience.cards[1].id)
    assert bounced.status == "failed" and bounced.reason == "bounced"
    assert bounced.detail.startswith("550 5.1.1")
    event = await CardEvent.get(card_id=audience.cards[1].id, kind="message_failed")
    assert event.detail["error"].startswith("550")
    assert len(smtp.to(audience.emails[0])) == 1 and smtp.to(audience.emails[1]) == []
    assert (await Campaign.get(id=campaign.id)).status == "done"
