"""The owner connects Toast on the Integrations page: the endpoint and key work at once, with the
rule the owner chose; disconnecting ends them."""

import httpx
from nicegui.testing import User

from hub.api.app import create_api_app
from hub.domain.toast_connections import authenticate
from hub.errors import Unauthorized
from hub.models import Card, ToastConnection
from tests.integrations.toast.toast_pos import ToastPos, check, selection
from tests.ui.test_admin_support import eventually, sign_in


async def test_an_owner_connects_toast_with_a_per_item_rule_and_disconnects_it(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/integrations/webhooks")
    await user.should_see("Not connected.")
    user.find(marker="toast-rule-choice").elements.pop().set_value("item")
    user.find(marker="toast-items").type("Latte\nFlat white")
    user.find(marker="toast-reward-value").type("3.5")
    user.find(marker="toast-connect").click()
    await user.should_see(marker="toast-new-key", retries=50)
    key = user.find(marker="toast-new-key").elements.pop().text
    url = user.find(marker="toast-new-url").elements.pop().text
    connection = await ToastConnection.get(business_id=shop.business_id, revoked_at=None)
    assert (connection.rule, connection.items, connection.reward_value) == ("item", ["Latte", "Flat white"], 350)
    assert url.endswith(f"/api/toast/loyalty/{connection.public_id}")
    assert (await authenticate(connection.public_id, key)).id == connection.id

    # Toast, configured with what the dialog showed, earns stamps by the owner's rule.
    transport = httpx.ASGITransport(app=create_api_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        pos = ToastPos(client, f"/api/toast/loyalty/{connection.public_id}", key)
        paid = check([selection("latte", 4.2, quantity=2), selection("Flat White", 3.9), selection("Muffin", 3.0)])
        assert (await pos.accrue(str(shop.card.number), paid)).transaction_status == "ACCEPT"
    assert (await Card.get(id=shop.card.id)).stamps == 3

    user.find(marker="toast-key-done").click()
    await user.open("/admin/integrations/webhooks")
    await user.should_see("1 stamp per qualifying item (Latte, Flat white)")
    await user.should_not_see(key)
    user.find(marker="toast-disconnect").click()
    await user.should_see("Not connected.", retries=50)
    await eventually(lambda: ToastConnection.exists(id=connection.id, revoked_at__isnull=False))
    try:
        await authenticate(connection.public_id, key)
    except Unauthorized:
        return
    raise AssertionError("a disconnected Toast key still works")


async def test_connecting_without_a_voucher_value_says_what_is_missing(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/integrations/webhooks")
    user.find(marker="toast-connect").click()
    await user.should_see("Set the discount a voucher is worth on a Toast check.")
    assert not await ToastConnection.exists(business_id=shop.business_id)
