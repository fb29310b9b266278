from nicegui.testing import User

from hub.domain.stamps import add_stamp
from tests.factories import make_shop
from tests.ui.owner_steps import sign_in


async def test_the_billing_page_shows_the_plan_and_the_usage_meter_live(user: User, live):
    shop = await make_shop(plan="free")
    await sign_in(user, shop)
    await user.open("/admin/billing")
    await user.should_see("Free Forever")
    await user.should_see("1 / 100")
    await user.should_see("1 of 1 staff seats")
    await add_stamp(shop.business_id, shop.card.id)
    await user.should_see("2 / 100", retries=60)


async def test_upgrading_without_a_payment_provider_explains_itself(user: User, live):
    shop = await make_shop(plan="free")
    await sign_in(user, shop)
    await user.open("/admin/billing")
    user.find(marker="plan-monthly").click()
    await user.should_see("not set up")
