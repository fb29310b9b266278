"""View as customer: each stamp card opens, read-only, the card a customer joining now gets."""

from __future__ import annotations

from nicegui.testing import User

from hub.domain.stamps import add_stamp
from hub.models import Card, CardTemplate, Customer
from tests.ui.owner_steps import sign_in


async def open_preview(user: User, template_id: int) -> Card:
    response = await user.http_client.get(f"/admin/templates/{template_id}/preview")
    assert response.status_code == 303
    template = await CardTemplate.get(id=template_id)
    assert response.headers["location"] == f"/admin/cards/{template.preview_card_id}/view"
    return await Card.get(id=template.preview_card_id)


async def test_every_stamp_card_links_its_customer_view(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/templates")
    link = user.find(marker=f"view-as-customer-{shop.template.id}").elements.pop()
    assert link.props["href"] == f"/admin/templates/{shop.template.id}/preview"


async def test_the_preview_is_a_fresh_card_of_the_template_kept_until_used(user: User, live, redis, shop):
    await sign_in(user, shop)
    preview = await open_preview(user, shop.template.id)
    assert (preview.template_id, preview.stamps, preview.template_version) == (shop.template.id, 0, 1)
    assert (await Customer.get(id=preview.customer_id)).name == "Card preview"
    assert (await open_preview(user, shop.template.id)).id == preview.id
    await add_stamp(shop.business_id, preview.id)
    again = await open_preview(user, shop.template.id)
    assert again.id != preview.id and again.stamps == 0
    assert (await Card.get(id=preview.id)).deleted_at is not None
    page = await user.open(f"/admin/cards/{again.id}/view")
    assert page is not None
    await user.should_see(marker="read-only-banner", retries=50)


async def test_another_business_cannot_preview_my_card(user: User, live, redis, shop, other_shop):
    await sign_in(user, other_shop)
    response = await user.http_client.get(f"/admin/templates/{shop.template.id}/preview")
    assert response.headers["location"] == "/admin/templates"
    assert (await CardTemplate.get(id=shop.template.id)).preview_card_id is None
