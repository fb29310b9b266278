"""The customer's card page: the card, its vouchers and code, live, in the browser's language.

The page is server-rendered; its script redraws from /c/<token>/state on each event of the
card's room (tests/card_pages.py does what it does; tests/browser_card runs it in Chromium).
"""

from datetime import timedelta

from nicegui.testing import User

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.vouchers import redeem_voucher
from hub.models import Voucher
from hub.render.qr import svg_data_url
from tests.card_pages import CardPage, Html
from tests.factories import make_shop


def card_page(user: User, shop) -> CardPage:
    return CardPage(user.http_client, shop.card.token)


async def test_the_card_page_shows_progress_and_updates_live(user: User, live, shop):
    page = card_page(user, shop)
    html = await page.open()
    html.should_see("0 / 8")
    html.should_see("Stamps to go: 8")
    html.should_see("Reward: Free coffee")
    html = await page.live(live.bus, lambda: add_stamp(shop.business_id, shop.card.id))
    html.should_see("1 / 8")
    html.should_see("Stamps to go: 7")
    assert len(html.marks("stamp-filled")) == 1


async def test_the_card_page_holds_no_server_side_page_per_visitor(user: User, live, shop):
    from nicegui import Client

    before = set(Client.instances)
    await card_page(user, shop).open()
    assert set(Client.instances) == before


async def test_a_stamp_landing_between_the_page_and_its_first_connect_is_shown(user: User, live, shop):
    page = card_page(user, shop)
    (await page.open()).should_see("0 / 8")
    await add_stamp(shop.business_id, shop.card.id)  # before the page's socket joined the room
    html = await page.refresh()  # what the script does on connect
    html.should_see("1 / 8")


async def test_a_new_stamp_pops_in_while_the_old_ones_stay_put(user: User, live, shop):
    await add_stamp(shop.business_id, shop.card.id)
    page = card_page(user, shop)
    html = await page.open()
    assert not any("stamp-new" in e.get("class", "") for e in html.marks("stamp-filled"))
    html = await page.live(live.bus, lambda: add_stamp(shop.business_id, shop.card.id))
    html.should_see("2 / 8")
    popping = [e for e in html.marks("stamp-filled") if "stamp-new" in e.get("class", "")]
    assert len(popping) == 1


async def test_a_late_event_of_what_is_shown_does_not_redraw(user: User, live, shop):
    page = card_page(user, shop)
    await page.open()
    html = await page.live(live.bus, lambda: add_stamp(shop.business_id, shop.card.id))
    assert page.html is html
    assert await page.refresh() is html  # nothing changed: the pop keeps playing


async def test_a_full_card_shows_its_voucher_with_code_qr_and_expiry(user: User, live, shop):
    page = card_page(user, shop)
    await page.open()
    html = await page.live(live.bus, lambda: adjust_stamps(shop.business_id, shop.card.id, 8))
    voucher = await Voucher.get(card_id=shop.card.id)
    assert html.marks(f"voucher-{voucher.id}")
    html.should_see(codes.format_redeem_code(voucher.redeem_code))
    html.should_see("Valid until")
    assert html.marks("voucher-qr")
    html.should_see("Active")


async def test_a_redeemed_voucher_flips_at_once_and_loses_its_codes(user: User, live, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    voucher = await Voucher.get(card_id=shop.card.id)
    page = card_page(user, shop)
    (await page.open()).should_see("Active")
    html = await page.live(live.bus, lambda: redeem_voucher(shop.business_id, voucher))
    html.should_see("Redeemed")
    html.should_not_see(codes.format_redeem_code(voucher.redeem_code))
    assert not html.marks("voucher-qr")


async def test_the_card_code_rotates_every_thirty_seconds_without_a_reload(user: User, live, shop, secret, clock_at):
    page = card_page(user, shop)
    html = await page.open()
    [qr] = html.marks("card-qr")
    assert qr["src"] == svg_data_url(codes.rotating_card_code(secret, shop.card.number))
    html.should_see(f"Card no. {shop.card.number}")
    html.should_see("every 30 seconds")
    first = (await user.http_client.get(f"/c/{shop.card.token}/code")).json()
    assert first["qr"] == qr["src"] and 0 < first["rotates_in"] <= codes.ROTATION_SECONDS

    clock_at(utcnow() + timedelta(seconds=codes.ROTATION_SECONDS), frozen=True)
    expected = svg_data_url(codes.rotating_card_code(secret, shop.card.number))
    assert expected != qr["src"]
    assert (await user.http_client.get(f"/c/{shop.card.token}/code")).json()["qr"] == expected
    assert codes.parse_code(secret, codes.rotating_card_code(secret, shop.card.number)).ident == (shop.card.number)


async def test_the_history_lists_what_happened(user: User, live, shop):
    await add_stamp(shop.business_id, shop.card.id)
    html = await card_page(user, shop).open()
    html.should_see("History")
    html.should_see("Stamp added")
    html.should_see("Card issued")


async def test_wallet_buttons_come_from_the_wallet_links(user: User, live, shop):
    from hub.wallet.links import wallet_links

    html = await card_page(user, shop).open()
    for link in wallet_links(shop.card):
        [button] = html.marks(f"wallet-{link['platform']}")
        assert button["href"] == link["url"]


async def test_a_deleted_card_says_so_live_and_offers_a_new_card(user: User, live, shop):
    from hub.domain.cards import delete_card

    page = card_page(user, shop)
    await page.open()
    html = await page.live(live.bus, lambda: delete_card(shop.business_id, shop.card.id))
    html.should_see("This card was deleted.")
    [link] = html.marks("new-card")
    assert link["href"] == f"/join/{shop.template.id}"
    assert not html.marks("card-qr")

    response = await user.http_client.get(f"/c/{shop.card.token}")  # opened again later
    assert response.status_code == 404
    reopened = Html(response.text)
    reopened.should_see("This card was deleted.")
    assert reopened.marks("new-card")[0]["href"] == f"/join/{shop.template.id}"


async def test_an_unknown_token_is_a_404_with_a_clear_message(user: User, live):
    response = await user.http_client.get("/c/not-a-real-token")
    assert response.status_code == 404
    assert "does not exist" in response.text
    assert (await user.http_client.get("/c/not-a-real-token/state")).status_code == 404
    assert (await user.http_client.get("/c/not-a-real-token/code")).status_code == 404
    assert (await user.http_client.get("/c/" + "x" * 40)).status_code == 404


async def test_the_page_keeps_its_link_to_itself_and_its_script_to_itself(user: User, live, shop):
    response = await user.http_client.get(f"/c/{shop.card.token}")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # no inline script: the policy forbids it


async def test_the_pages_assets_are_cached_for_good_and_compressed(user: User, live, shop):
    html = (await user.http_client.get(f"/c/{shop.card.token}")).text
    scripts = [part.split('"')[0] for part in html.split('src="/pub/')[1:]]
    assert len(scripts) == 3
    for name in scripts:
        response = await user.http_client.get(f"/pub/{name}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]
        assert response.headers["content-encoding"] == "gzip"
        assert response.content  # httpx has decoded it
    assert (await user.http_client.get("/pub/card.000000000000.js")).status_code == 404


async def test_the_page_speaks_the_browsers_language(user: User, live, shop):
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    html = await card_page(user, shop).open()
    html.should_see("Noch 8 Stempel")
    html.should_see("Prämie: Free coffee")


async def test_a_language_chosen_with_the_switcher_sticks_for_the_browser(user: User, live, shop):
    page = card_page(user, shop)
    html = await page.open()
    [switcher] = html.marks("language")
    assert switcher["name"] == "lang"  # the switcher submits ?lang=<code> to this page
    (await page.open("?lang=ko")).should_see("남은 스탬프: 8")
    (await page.open()).should_see("남은 스탬프: 8")
    (await page.refresh()).should_see("남은 스탬프: 8")


async def test_numbers_and_dates_are_localised(user: User, live):
    shop = await make_shop(stamps_required=12)
    await adjust_stamps(shop.business_id, shop.card.id, 12)
    html = await CardPage(user.http_client, shop.card.token).open("?lang=de")
    html.should_see("0 / 12")
    html.should_see("Gültig bis")


async def test_a_browser_asking_for_no_language_we_speak_gets_the_business_s_own(user: User, live, shop, offered):
    from hub.domain.businesses import set_card_language
    from tests.catalogues import stand_in

    offered("ru", "he")
    await set_card_language(shop.business_id, "ru")
    page = card_page(user, shop)
    user.http_client.headers["Accept-Language"] = "gl-ES,gl;q=0.9"
    (await page.open()).should_see(stand_in("ru", "Stamps to go: 8"))
    user.http_client.headers["Accept-Language"] = "he-IL"
    (await page.open()).should_see(stand_in("he", "Stamps to go: 8"))  # the customer's own language comes first
    (await page.open("?lang=en")).should_see("Stamps to go: 8")  # and their pick before it


async def test_the_business_can_only_choose_a_language_we_offer(shop):
    import pytest

    from hub.domain.businesses import set_card_language
    from hub.errors import InvalidInput
    from hub.models import Business

    for code in ("xx", "", "../de"):
        with pytest.raises(InvalidInput):
            await set_card_language(shop.business_id, code)
    assert (await Business.get(id=shop.business_id)).language == "en"


async def test_the_switcher_names_each_language_in_itself_and_hides_unfinished_ones(
    user: User, live, shop, configure, tmp_path
):
    from tests.catalogues import write_catalogue

    for code in ("de", "ja", "pt_BR", "ur"):
        write_catalogue(tmp_path, code)
    write_catalogue(tmp_path, "he", leave_out=("Your vouchers",))
    configure(LOCALES_DIR=str(tmp_path))
    response = await user.http_client.get(f"/c/{shop.card.token}")
    for code, name in [("de", "Deutsch"), ("ja", "日本語"), ("pt_BR", "Português (Brasil)"), ("ur", "اردو")]:
        assert f'<option value="{code}">{name}</option>' in response.text
    assert '<option value="he">' not in response.text
    (await card_page(user, shop).open("?lang=he")).should_see("Stamps to go: 8")


async def test_a_right_to_left_page_keeps_numbers_and_codes_left_to_right(user: User, live, shop, offered):
    offered("ar", "de")
    response = await user.http_client.get(f"/c/{shop.card.token}?lang=ar")
    assert '<html lang="ar" dir="rtl">' in response.text
    assert f'<bdi dir="ltr">{shop.card.number}</bdi>' in response.text
    assert 'data-mark="progress" dir="ltr"' in response.text
    german = await user.http_client.get(f"/c/{shop.card.token}?lang=de")
    assert '<html lang="de" dir="ltr">' in german.text
