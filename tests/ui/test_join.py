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
from tests.card_pages import CardPage, Html, submit_join


async def join_as(user: User, template_id: int, name: str, **fields: str) -> tuple[Card, Html]:
    response = await submit_join(user.http_client, template_id, name, **fields)
    assert response.status_code == 303, response.text
    card = await Card.filter(template_id=template_id).order_by("-id").first()
    assert response.headers["location"] == f"/c/{card.token}"
    page = await user.http_client.get(response.headers["location"])
    html = Html(page.text)
    assert html.marks("card-qr")
    return card, html


async def test_join_then_a_stamp_through_the_api_shows_up_live(user: User, live, shop, secret):
    card, html = await join_as(user, shop.template.id, "Ada Lovelace")
    assert card.customer_id != shop.card.customer_id and card.platforms == ["web"]
    html.should_see("0 / 8")
    html.should_see("Ada Lovelace")
    page = CardPage(user.http_client, card.token)
    await page.open()

    async def scan() -> None:
        transport = httpx.ASGITransport(app=create_api_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
            response = await api.post(
                "/api/v1/scans",
                json={"code": codes.rotating_card_code(secret, card.number), "idempotency_key": str(uuid.uuid4())},
                headers={"Authorization": f"Bearer {shop.api_key}"},
            )
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == "stamped"

    (await page.live(live.bus, scan)).should_see("1 / 8")


async def test_a_returning_customer_gets_the_same_card_back(user: User, live, shop):
    card, _ = await join_as(user, shop.template.id, "Grace Hopper")
    response = await user.http_client.get(f"/join/{shop.template.id}")
    assert response.status_code == 303 and response.headers["location"] == f"/c/{card.token}?back=1"
    html = Html((await user.http_client.get(f"/join/{shop.template.id}", follow_redirects=True)).text)
    html.should_see("Grace Hopper")
    assert html.marks("card-qr")
    assert await Card.filter(template_id=shop.template.id).count() == 2  # the shop's own card and this one


async def test_a_returning_browser_is_asked_not_you_once_and_can_get_its_own_card(user: User, live, shop):
    card, first = await join_as(user, shop.template.id, "Grace Hopper")
    assert not first.marks("not-you")  # a fresh join is no return
    html = Html((await user.http_client.get(f"/join/{shop.template.id}", follow_redirects=True)).text)
    assert html.marks("not-you")
    html.should_see("Not you? Get your own card")
    again = Html((await user.http_client.get(f"/c/{card.token}")).text)
    assert not again.marks("not-you")  # asked once, not on every visit

    assert f'href="/join/{shop.template.id}?fresh=1"' in html.source
    form = await user.http_client.get(f"/join/{shop.template.id}?fresh=1")
    assert form.status_code == 200 and Html(form.text).marks("join")
    response = await submit_join(user.http_client, shop.template.id, "Linus", query="?fresh=1")
    assert response.status_code == 303
    mine = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    assert mine.id != card.id and response.headers["location"] == f"/c/{mine.token}"
    await user.http_client.get(response.headers["location"])
    back = await user.http_client.get(f"/join/{shop.template.id}")
    assert back.headers["location"] == f"/c/{mine.token}?back=1"  # the browser now holds its own card


async def test_a_deleted_remembered_card_lets_the_customer_join_again(user: User, live, shop):
    from hub.domain.cards import delete_card

    card, _ = await join_as(user, shop.template.id, "Grace Hopper")
    await delete_card(shop.business_id, card.id)
    response = await user.http_client.get(f"/join/{shop.template.id}")
    assert response.status_code == 200 and Html(response.text).marks("join")


async def test_email_birthday_and_consent_are_kept(user: User, live, shop):
    response = await submit_join(
        user.http_client, shop.template.id, "Linus", email="Linus@Example.com", birthday="1990-05-17", consent="1"
    )
    assert response.status_code == 303
    card = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    customer = await Customer.get(id=card.customer_id)
    assert (customer.email, str(customer.birthday), customer.marketing_consent) == (
        "linus@example.com",
        "1990-05-17",
        True,
    )


async def test_a_missing_name_is_explained_and_issues_nothing(user: User, live, shop):
    response = await submit_join(user.http_client, shop.template.id, "")
    assert response.status_code == 400
    html = Html(response.text)
    html.should_see("Please enter your name")
    assert html.marks("name-error")
    assert await Card.filter(template_id=shop.template.id).count() == 1


async def test_what_was_typed_stays_when_a_field_is_refused(user: User, live, shop):
    response = await submit_join(user.http_client, shop.template.id, "Linus", email="not an address")
    assert response.status_code == 400
    html = Html(response.text)
    html.should_see("That email address does not look right.")
    assert html.marks("name")[0]["value"] == "Linus"
    assert await Card.filter(template_id=shop.template.id).count() == 1


async def test_a_form_posted_from_another_site_issues_nothing(user: User, live, shop):
    response = await user.http_client.post(
        f"/join/{shop.template.id}", data={"name": "Mallory"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert await Card.filter(template_id=shop.template.id).count() == 1


async def test_the_join_page_speaks_the_browsers_language(user: User, live, shop):
    user.http_client.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
    html = Html((await user.http_client.get(f"/join/{shop.template.id}")).text)
    html.should_see("Obtenez votre carte de fidélité")
    html.should_see("Obtenir ma carte")


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

    for i in range(joining.JOIN_LIMIT):  # the test client's address
        await joining.join(redis, settings().redis_prefix, shop.template.id, ip="127.0.0.1", name=f"G{i}")
    response = await submit_join(user.http_client, shop.template.id, "Late")
    assert response.status_code == 429
    Html(response.text).should_see("Too many sign-ups")


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


async def test_the_customer_keeps_the_language_they_joined_in(user: User, live, shop, offered):
    offered("de")
    response = await submit_join(user.http_client, shop.template.id, "Lena", query="?lang=de")
    assert response.status_code == 303
    card = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    assert (await Customer.get(id=card.customer_id)).language == "de"
