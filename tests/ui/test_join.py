"""Joining from the poster QR: a name, a tap, a live card; once per browser; rate-limited."""

import io
import uuid

import httpx
import pytest
import zxingcpp
from nicegui.testing import User
from PIL import Image

from hub.api.app import create_api_app
from hub.domain import codes, joining
from hub.errors import InvalidInput, RateLimited
from hub.models import Card, Customer


async def join_as(user: User, template_id: int, name: str, **fields: str) -> Card:
    await user.open(f"/join/{template_id}")
    user.find(marker="name").type(name)
    for marker, value in fields.items():
        user.find(marker=marker).type(value)
    user.find(marker="join").click()
    await user.should_see(marker="card-qr", retries=50)
    return await Card.filter(template_id=template_id).order_by("-id").first()


async def test_join_then_a_stamp_through_the_api_shows_up_live(user: User, live, shop, secret):
    card = await join_as(user, shop.template.id, "Ada Lovelace")
    assert card.customer_id != shop.card.customer_id and card.platforms == ["web"]
    await user.should_see("0 / 8")
    await user.should_see("Ada Lovelace")

    transport = httpx.ASGITransport(app=create_api_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
        response = await api.post(
            "/api/v1/scans",
            json={"code": codes.rotating_card_code(secret, card.number), "idempotency_key": str(uuid.uuid4())},
            headers={"Authorization": f"Bearer {shop.api_key}"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "stamped"
    await user.should_see("1 / 8", retries=50)


async def test_a_returning_customer_gets_the_same_card_back(user: User, live, shop):
    card = await join_as(user, shop.template.id, "Grace Hopper")
    response = await user.http_client.get(f"/join/{shop.template.id}")
    assert response.status_code == 303 and response.headers["location"] == f"/c/{card.token}"
    await user.open(f"/join/{shop.template.id}")
    await user.should_see("Grace Hopper")
    await user.should_see(marker="card-qr")
    assert await Card.filter(template_id=shop.template.id).count() == 2  # the shop's own card and this one


async def test_a_deleted_remembered_card_lets_the_customer_join_again(user: User, live, shop):
    from hub.domain.cards import delete_card

    card = await join_as(user, shop.template.id, "Grace Hopper")
    await delete_card(shop.business_id, card.id)
    await user.open(f"/join/{shop.template.id}")
    await user.should_see(marker="join")


async def test_email_birthday_and_consent_are_kept(user: User, live, shop):
    await user.open(f"/join/{shop.template.id}")
    user.find(marker="name").type("Linus")
    user.find(marker="email").type("Linus@Example.com")
    user.find(marker="birthday").type("1990-05-17")
    user.find(marker="consent").click()
    user.find(marker="join").click()
    await user.should_see(marker="card-qr", retries=50)
    card = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    customer = await Customer.get(id=card.customer_id)
    assert (customer.email, str(customer.birthday), customer.marketing_consent) == (
        "linus@example.com",
        "1990-05-17",
        True,
    )


async def test_a_missing_name_is_explained_and_issues_nothing(user: User, live, shop):
    await user.open(f"/join/{shop.template.id}")
    user.find(marker="join").click()
    await user.should_see("Please enter your name")
    assert await Card.filter(template_id=shop.template.id).count() == 1


async def test_the_join_page_speaks_the_browsers_language(user: User, live, shop):
    user.http_client.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
    await user.open(f"/join/{shop.template.id}")
    await user.should_see("Obtenez votre carte de fidélité")
    await user.should_see("Obtenir ma carte")


async def test_an_unknown_template_is_a_404(user: User, live):
    response = await user.http_client.get("/join/999999999")
    assert response.status_code == 404
    assert "does not exist" in response.text


async def test_joining_is_rate_limited_per_address_and_business(redis, shop, other_shop):
    from hub.config import settings
    from hub.domain.templates import create_template

    prefix = settings().redis_prefix
    second_poster = await create_template(shop.business_id, "Bagel card", stamps_required=6)
    for i in range(joining.JOIN_LIMIT):
        await joining.join(redis, prefix, shop.template.id, ip="203.0.113.9", name=f"Guest {i}")
    with pytest.raises(RateLimited):
        await joining.join(redis, prefix, shop.template.id, ip="203.0.113.9", name="One too many")
    with pytest.raises(RateLimited):  # the shop's other poster shares the limit
        await joining.join(redis, prefix, second_poster.id, ip="203.0.113.9", name="Other poster")
    # Another address, or another business's poster, is not held back.
    await joining.join(redis, prefix, shop.template.id, ip="203.0.113.10", name="Neighbour")
    await joining.join(redis, prefix, other_shop.template.id, ip="203.0.113.9", name="Elsewhere")


async def test_a_birthday_in_the_future_is_refused(redis, shop):
    from datetime import date

    from hub.config import settings

    with pytest.raises(InvalidInput) as caught:
        await joining.join(
            redis,
            settings().redis_prefix,
            shop.template.id,
            ip="198.51.100.1",
            name="Future",
            birthday=date(2999, 1, 1),
        )
    assert caught.value.detail["field"] == "birthday"


async def test_the_rate_limit_is_shown_on_the_join_page(user: User, live, shop, redis):
    from hub.config import settings

    await user.open(f"/join/{shop.template.id}")
    for i in range(joining.JOIN_LIMIT):
        await joining.join(redis, settings().redis_prefix, shop.template.id, ip="127.0.0.1", name=f"G{i}")
    user.find(marker="name").type("Late")
    user.find(marker="join").click()
    await user.should_see("Too many sign-ups")


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
async def test_the_poster_downloads_with_a_qr_for_the_join_page(user: User, live, shop, fmt):
    response = await user.http_client.get(f"/join/{shop.template.id}/poster.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}[fmt]
    )
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "png":
        [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
        assert decoded.text.endswith(f"/join/{shop.template.id}")
    elif fmt == "svg":
        assert b"Scan to get your stamp card" in response.content
    else:
        assert response.content.startswith(b"%PDF")


async def test_an_unknown_poster_format_is_a_404(user: User, live, shop):
    assert (await user.http_client.get(f"/join/{shop.template.id}/poster.gif")).status_code == 404
