from nicegui.testing import User

from hub.domain.api_keys import authenticate_api_key
from hub.errors import Unauthorized
from hub.models import ApiKey
from tests.ui.owner_steps import sign_in


async def test_an_owner_creates_an_api_key_shown_once_and_revokes_it(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/integrations")
    user.find(marker="key-name").type("Till 1")
    user.find(marker="key-create").click()
    await user.should_see(marker="new-key", retries=50)
    plain = user.find(marker="new-key").elements.pop().text
    key = await authenticate_api_key(plain)
    assert (key.business_id, key.name) == (shop.business_id, "Till 1")
    user.find(marker="new-key-done").click()
    await user.open("/admin/integrations")
    await user.should_not_see(plain)
    await user.should_see(f"sh_{key.prefix}_…")
    user.find(marker=f"revoke-key-{key.id}").click()
    await user.should_see(marker="revoke-key-confirm")
    user.find(marker="revoke-key-confirm").click()
    await user.should_see("revoked", retries=50)
    assert (await ApiKey.get(id=key.id)).revoked_at is not None
    try:
        await authenticate_api_key(plain)
    except Unauthorized:
        return
    raise AssertionError("a revoked key still works")
