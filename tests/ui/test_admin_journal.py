from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from hub.clock import utcnow
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.models import CardEvent
from tests.factories import new_card
from tests.ui.owner_steps import sign_in


async def test_the_journal_lists_operations_newest_first_with_customer_view_links(user: User, live, redis, shop):
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    stamp = await CardEvent.filter(card_id=shop.card.id, kind="stamp").first()
    await sign_in(user, shop)
    await user.open("/admin/journal")
    await user.should_see("Card issued")
    await user.should_see("Main Street · Bar Counter")
    link = user.find(marker=f"journal-view-{stamp.id}").elements.pop()
    assert isinstance(link, ui.link)
    assert link.props["href"] == f"/admin/cards/{shop.card.id}/view?as_of={stamp.id}"
    rows = sorted(
        (e for e in user.find(kind=ui.row).elements if any(m.startswith("journal-") for m in e._markers)),
        key=lambda e: e.id,
    )
    ids = [int(next(m for m in e._markers if m.startswith("journal-")).split("-")[1]) for e in rows]
    assert ids == sorted(ids, reverse=True)


async def test_the_journal_filters_by_kind_and_seat(user: User, live, redis, shop):
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await adjust_stamps(shop.business_id, shop.card.id, 1, note="goodwill")
    await sign_in(user, shop)
    await user.open("/admin/journal")
    await user.should_see("goodwill")
    with user:
        user.find(marker="journal-kind").elements.pop().value = "stamp"
    await user.should_not_see("goodwill")
    await user.should_not_see("Card issued")
    await user.should_see("Bar Counter")
    with user:
        user.find(marker="journal-kind").elements.pop().value = ""
        user.find(marker="journal-seat").elements.pop().value = shop.seat.id
    await user.should_not_see("Card issued")
    with user:
        user.find(marker="journal-seat").elements.pop().value = ""
        user.find(marker="journal-from").elements.pop().value = "2099-01-01"
    await user.should_see(marker="journal-empty")


async def test_the_journal_pages_to_older_operations(user: User, live, redis, shop):
    for i in range(55):
        await new_card(shop, f"Walk-in {i:02d}")
    await sign_in(user, shop)
    await user.open("/admin/journal")
    await user.should_see("Walk-in 54")
    await user.should_not_see("Mina Park")
    user.find(marker="journal-more").click()
    await user.should_see("Mina Park")
    await user.should_see("Walk-in 54")


async def test_the_journal_is_live(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/journal")
    await user.should_see("Card issued")
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await user.should_see("Bar Counter", retries=50)


async def test_a_scan_queued_offline_shows_when_it_was_scanned_and_when_it_was_synced(user: User, live, redis, shop):
    synced = utcnow()
    await add_stamp(
        shop.business_id,
        shop.card.id,
        seat_id=shop.seat.id,
        location_id=shop.location.id,
        idempotency_key="queued-journal-1",
        scanned_at=synced - timedelta(minutes=3),
    )
    stamp = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert stamp.scanned_at == synced - timedelta(minutes=3)
    await sign_in(user, shop)
    await user.open("/admin/journal")
    await user.should_see(marker=f"journal-scanned-{stamp.id}")
    await user.should_see("synced")
