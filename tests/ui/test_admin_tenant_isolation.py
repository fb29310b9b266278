"""An owner can never reach another business's cards, journal, designer or export by URL tampering."""

import csv
import io

from nicegui.testing import User

from hub.domain import card_list
from hub.domain.stamps import add_stamp
from hub.errors import NotFound
from tests.ui.owner_steps import sign_in


async def test_another_businesss_card_detail_is_not_found(user: User, live, redis, shop, other_shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{other_shop.card.id}")
    await user.should_see(marker="card-missing")
    await user.should_not_see(f"#{other_shop.card.number}")
    await user.should_not_see("Other Bakery")


async def test_the_list_and_its_filters_never_show_other_cards(user: User, live, redis, shop, other_shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards?template={other_shop.template.id}&q={other_shop.card.number}")
    await user.should_see(marker="no-cards")
    await user.open(f"/admin/cards?q={other_shop.card.number}")
    await user.should_see(marker="no-cards")
    assert (
        await card_list.list_cards(shop.business_id, card_list.CardFilter(location_id=other_shop.location.id))
    ).total == 0


async def test_the_journal_shows_only_own_operations(user: User, live, redis, shop, other_shop):
    await add_stamp(
        other_shop.business_id, other_shop.card.id, seat_id=other_shop.seat.id, location_id=other_shop.location.id
    )
    await sign_in(user, shop)
    await user.open("/admin/journal")
    await user.should_see(f"#{shop.card.number}")
    await user.should_not_see(f"#{other_shop.card.number}")


async def test_the_csv_export_holds_only_own_cards(user: User, live, redis, shop, other_shop):
    await sign_in(user, shop)
    await user.open(f"/admin/cards?template={other_shop.template.id}")
    user.find(marker="export").click()
    response = await user.download.next(timeout=5)
    numbers = {row["card_number"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert numbers == {str(shop.card.number)}


async def test_another_businesss_designer_is_not_found(user: User, live, redis, shop, other_shop):
    await sign_in(user, shop)
    await user.open(f"/admin/templates/{other_shop.template.id}")
    await user.should_see(marker="not-found")


async def test_domain_reads_are_scoped_by_business(shop, other_shop):
    for call in (
        card_list.card_detail(shop.business_id, other_shop.card.id),
        card_list.history(shop.business_id, other_shop.card.id),
    ):
        try:
            await call
        except NotFound:
            continue
        raise AssertionError("another business's card was readable")
