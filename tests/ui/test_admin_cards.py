import csv
import io
import os
from datetime import UTC, datetime

from nicegui import ui
from nicegui.testing import User

from hub.domain.stamps import add_stamp, adjust_stamps
from hub.models import Business, Campaign, Card, CardEvent, Voucher
from hub.workers.queue import job_queue
from tests.factories import new_card
from tests.ui.owner_steps import sign_in


async def test_the_list_shows_id_user_progress_and_wallets(user: User, live, redis, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 3)
    await sign_in(user, shop)
    await user.open("/admin/cards")
    await user.should_see(f"#{shop.card.number}")
    await user.should_see("Mina Park")
    await user.should_see(marker=f"card-progress-{shop.card.id}")
    assert user.find(marker=f"card-progress-{shop.card.id}").elements.pop().text == "3 / 8"
    await user.should_see(marker="platform-web")
    await user.should_see(kind=ui.label, marker="card-total", content="1 card")


async def test_search_finds_by_name_number_and_email(user: User, live, redis, shop):
    other = await new_card(shop, "Oskar Brandt")
    await sign_in(user, shop)
    await user.open("/admin/cards")
    user.find(marker="search").type("oskar")
    await user.should_see(kind=ui.label, marker="card-total", content="1 card")
    await user.should_see("Oskar Brandt")
    await user.should_not_see("Mina Park")
    user.find(marker="search").clear().type(str(shop.card.number))
    await user.should_see("Mina Park")
    await user.should_not_see("Oskar Brandt")
    user.find(marker="search").clear().type(shop.owner_email.replace("owner", "mina"))
    await user.should_see("Mina Park")
    await user.should_not_see(f"#{other.number}")


async def test_filters_narrow_the_list(user: User, live, redis, shop):
    collecting = await new_card(shop, "Collecting Carl")
    await add_stamp(shop.business_id, collecting.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await sign_in(user, shop)
    await user.open("/admin/cards")
    await user.should_see("2 cards")
    with user:
        user.find(marker="filter-progress").elements.pop().value = "started"
    await user.should_see(kind=ui.label, marker="card-total", content="1 card")
    await user.should_see("Collecting Carl")
    await user.should_not_see("Mina Park")
    with user:
        user.find(marker="filter-progress").elements.pop().value = ""
        user.find(marker="filter-location").elements.pop().value = shop.location.id
    await user.should_see(kind=ui.label, marker="card-total", content="1 card")
    with user:
        user.find(marker="filter-location").elements.pop().value = ""
        user.find(marker="filter-platform").elements.pop().value = "apple"
    await user.should_see(marker="no-cards")


async def test_pages_are_served_from_the_server(user: User, live, redis, shop):
    for i in range(30):
        await new_card(shop, f"Guest {i:02d}")
    await sign_in(user, shop)
    await user.open("/admin/cards")
    await user.should_see("31 cards")
    await user.should_see("Page 1 of 2")
    await user.should_see("Guest 29")
    await user.should_not_see("Mina Park")
    user.find(marker="next-page").click()
    await user.should_see("Page 2 of 2")
    await user.should_see("Mina Park")
    await user.should_not_see("Guest 29")


async def test_the_detail_panel_shows_the_card(user: User, live, redis, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    await adjust_stamps(shop.business_id, shop.card.id, 2)
    await sign_in(user, shop)
    await user.open("/admin/cards")
    user.find(marker=f"card-row-{shop.card.id}").click()
    await user.should_see(f"#{shop.card.number} - Mina Park")
    await user.should_see("2 / 8 • 25%")
    await user.should_see(f"#{shop.template.id} Coffee card · v1")
    await user.should_see("Free coffee")
    await user.should_see(marker="view-as-customer")


async def test_times_read_in_the_business_time_zone(user: User, live, redis, shop):
    await Business.filter(id=shop.business_id).update(timezone="Asia/Tokyo")
    stamped_at = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # 05:30 the next morning in Tokyo
    await Card.filter(id=shop.card.id).update(last_stamp_at=stamped_at)
    await sign_in(user, shop)
    await user.open("/admin/cards")
    user.find(marker=f"card-row-{shop.card.id}").click()
    await user.should_see("2026-11-24 05:30")


async def test_a_full_card_reads_100_percent(user: User, live, redis, shop):
    await Card.filter(id=shop.card.id).update(stamps=8)
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    await user.should_see("8 / 8 • 100%")


async def test_delete_asks_first_then_deletes(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    await user.should_see(marker="delete-card")
    user.find(marker="delete-card").click()
    await user.should_see(marker="delete-dialog")
    user.find(marker="confirm-delete").click()
    await user.should_see(f"Card #{shop.card.number} deleted.", retries=50)
    card = await Card.get(id=shop.card.id)
    assert card.deleted_at is not None
    await user.should_see(marker="no-cards", retries=50)


async def test_history_lists_events_and_adds_and_removes_stamps(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    user.find(marker="view-history").click()
    await user.should_see(marker="history-dialog")
    await user.should_see("Card issued")
    with user:
        user.find(marker="adjust-amount").elements.pop().value = 2
    user.find(marker="adjust-note").type("forgot to stamp")
    user.find(marker="add-stamps").click()
    await user.should_see("Stamp added by owner", retries=50)
    await user.should_see("+2 → 2 (forgot to stamp)")
    assert (await Card.get(id=shop.card.id)).stamps == 2
    with user:
        user.find(marker="adjust-amount").elements.pop().value = 1
    user.find(marker="remove-stamps").click()
    await user.should_see("Stamp removed by owner", retries=50)
    assert (await Card.get(id=shop.card.id)).stamps == 1
    await user.should_see("1 / 8 • 12%", retries=50)


async def test_removing_more_stamps_than_the_card_has_is_explained(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    user.find(marker="view-history").click()
    await user.should_see(marker="history-dialog")
    user.find(marker="remove-stamps").click()
    await user.should_see("The card has only 0 stamps.", retries=50)


async def test_issue_coupon_creates_a_manual_voucher(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    user.find(marker="issue-coupon").click()
    await user.should_see(marker="coupon-dialog")
    user.find(marker="coupon-title").clear().type("Sorry for the wait")
    with user:
        user.find(marker="coupon-expiry").elements.pop().value = "2099-12-31"
    user.find(marker="coupon-note").type("cold latte")
    user.find(marker="coupon-submit").click()
    await user.should_see("issued.", retries=50)
    voucher = await Voucher.get(card_id=shop.card.id)
    assert (voucher.title, voucher.source, voucher.note) == ("Sorry for the wait", "manual", "cold latte")
    assert voucher.expires_at.date().isoformat() == "2099-12-31"
    await user.should_see("Active voucher: Sorry for the wait", retries=50)
    assert await CardEvent.exists(card_id=shop.card.id, kind="voucher_issued")


async def test_send_message_queues_a_campaign_of_one(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    user.find(marker="send-message").click()
    await user.should_see(marker="message-dialog")
    assert user.find(marker="message-channel-push").elements.pop().value is True
    user.find(marker="message-body").type("Your 10th coffee is on us this week!")
    user.find(marker="message-send").click()
    # A web-only card: the owner is told the message waits in the card's inbox, not "delivered".
    await user.should_see("Sending: card inbox only (no wallet, no notifications).", retries=50)
    campaign = await Campaign.get(business_id=shop.business_id, kind="direct")
    assert campaign.channels == ["push"] and campaign.segment["card_ids"] == [shop.card.id]
    assert campaign.body == "Your 10th coffee is on us this week!"
    # The fan-out job is the campaign workers' business; keep it out of later tests' workers.
    queue = job_queue(os.environ["REDIS_URL"])
    jobs = [job for job in queue.get_jobs() if job.args == (campaign.id,)]
    assert len(jobs) == 1
    for job in jobs:
        job.delete()


async def test_send_message_explains_a_missing_message(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    user.find(marker="send-message").click()
    await user.should_see(marker="message-dialog")
    user.find(marker="message-send").click()
    await user.should_see("Write the message.", retries=50)
    assert not await Campaign.exists(business_id=shop.business_id)


async def test_csv_export_holds_the_filtered_cards(user: User, live, redis, shop):
    await new_card(shop, "=HYPERLINK(evil)")
    await sign_in(user, shop)
    await user.open("/admin/cards")
    user.find(marker="export").click()
    response = await user.download.next(timeout=5)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["name"] for r in rows} == {"Mina Park", "'=HYPERLINK(evil)"}
    user.find(marker="search").type("mina")
    await user.should_see(kind=ui.label, marker="card-total", content="1 card")
    user.find(marker="export").click()
    response = await user.download.next(timeout=5)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["card_number"] for r in rows] == [str(shop.card.number)]


async def test_a_stamp_appears_in_the_open_list_without_reload(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    await user.should_see("0 / 8 • 0%")
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await user.should_see("1 / 8 • 12%", retries=50)
    assert user.find(marker=f"card-progress-{shop.card.id}").elements.pop().text == "1 / 8"
    await new_card(shop, "Newcomer Nora")
    await user.should_see("Newcomer Nora", retries=50)
