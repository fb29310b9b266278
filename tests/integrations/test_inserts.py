import uuid

import pytest
import zxingcpp

from hub.clock import utcnow
from hub.domain import inserts, lottery
from hub.domain.inserts import batch_sheets, create_batch, pdf_bytes, use_insert
from hub.errors import ForeignCard, ForgedCode, InvalidInput
from hub.models import Card, CardEvent, InsertCode, LotteryDraw
from tests.api_steps import auth
from tests.factories import make_shop, new_card
from tests.integrations.insert_steps import PUBLIC, code_of, pdf_page_count
from tests.loop_watch import LoopWatch


async def test_every_qr_on_the_printed_sheets_decodes_to_a_working_one_time_code(shop, secret):
    batch = await create_batch(shop.business_id, shop.template.id, name="December bags", size=10)
    pages = await batch_sheets(batch, secret, PUBLIC)
    pdf = pdf_bytes(pages)
    assert pdf.startswith(b"%PDF") and pdf_page_count(pdf) == len(pages) == 2  # 8 cards per A4 page
    assert pages[0].size == inserts.PAGE
    decoded = [found.text for page in pages for found in zxingcpp.read_barcodes(page)]
    assert len(decoded) == 10 and len(set(decoded)) == 10
    ids = {code.id for code in await InsertCode.filter(batch_id=batch.id)}
    assert {inserts.parse_insert_code(secret, code_of(url)) for url in decoded} == ids

    card = shop.card
    for n, url in enumerate(decoded[:7], start=1):
        claim = await use_insert(secret, code_of(url), card.token)
        assert claim.outcome == "stamped" and claim.card.stamps == n
    second = await use_insert(secret, code_of(decoded[0]), card.token)
    assert second.outcome == "rejected" and second.reason == "already_used"
    assert "already used" in second.message
    assert (await Card.get(id=card.id)).stamps == 7
    full = await use_insert(secret, code_of(decoded[7]), card.token)
    assert full.outcome == "reward" and full.result.voucher is not None
    events = await CardEvent.filter(card_id=card.id, kind="stamp").values_list("detail", flat=True)
    assert all(d == {"source": "insert"} for d in events) and len(events) == 8


async def test_a_used_code_is_rejected_for_every_other_card_too(shop, secret):
    batch = await create_batch(shop.business_id, shop.template.id, name="Flyers", size=1)
    url = (await inserts.batch_urls(batch, secret, PUBLIC))[0]
    assert (await use_insert(secret, code_of(url), shop.card.token)).outcome == "stamped"
    other = await new_card(shop)
    claim = await use_insert(secret, code_of(url), other.token)
    assert claim.outcome == "rejected" and claim.reason == "already_used"
    assert (await Card.get(id=other.id)).stamps == 0
    stats = await inserts.batch_stats(batch)
    assert stats["printed"] == 1 and stats["used"] == 1 and stats["conversion"] == 1.0


async def test_a_cooldown_does_not_burn_the_code(secret):
    shop = await make_shop(cooldown_seconds=600)
    batch = await create_batch(shop.business_id, shop.template.id, name="Flyers", size=2)
    first, second = (code_of(u) for u in await inserts.batch_urls(batch, secret, PUBLIC))
    assert (await use_insert(secret, first, shop.card.token)).outcome == "stamped"
    held = await use_insert(secret, second, shop.card.token)
    assert held.outcome == "rejected" and held.reason == "cooldown" and "again in" in held.message
    assert (await InsertCode.get(id=inserts.parse_insert_code(secret, second))).used_at is None


async def test_codes_are_signed_and_bound_to_their_business(shop, other_shop, secret):
    batch = await create_batch(shop.business_id, shop.template.id, name="Flyers", size=1)
    code = code_of((await inserts.batch_urls(batch, secret, PUBLIC))[0])
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(ForgedCode):
        await use_insert(secret, forged, shop.card.token)
    with pytest.raises(ForeignCard):
        await use_insert(secret, code, other_shop.card.token)
    assert (await InsertCode.get(batch_id=batch.id)).used_at is None


async def test_an_expired_batch_rejects_with_a_reason(shop, secret, clock_at):
    from datetime import timedelta

    batch = await create_batch(
        shop.business_id, shop.template.id, name="Old", size=1, expires_at=utcnow() + timedelta(hours=1)
    )
    code = code_of((await inserts.batch_urls(batch, secret, PUBLIC))[0])
    clock_at(utcnow() + timedelta(hours=2))
    claim = await use_insert(secret, code, shop.card.token)
    assert claim.outcome == "rejected" and claim.reason == "insert_expired"


async def test_a_lottery_insert_fires_one_draw_and_only_once(shop, secret):
    pool = await lottery.create_pool(shop.business_id, "Insert prizes")
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    with pytest.raises(InvalidInput):
        await create_batch(shop.business_id, shop.template.id, name="No pool", size=1, kind="lottery")
    batch = await create_batch(
        shop.business_id, shop.template.id, name="Lucky", size=1, kind="lottery", pool_id=pool.id
    )
    code = code_of((await inserts.batch_urls(batch, secret, PUBLIC))[0])
    claim = await use_insert(secret, code, shop.card.token)
    assert claim.outcome == "lottery" and claim.draw is not None and claim.draw.source == "insert"
    again = await use_insert(secret, code, shop.card.token)
    assert again.outcome == "rejected" and again.reason == "already_used"
    assert await LotteryDraw.filter(card_id=shop.card.id).count() == 1


async def test_the_api_creates_a_batch_once_per_idempotency_key_and_serves_its_pdf(api, shop):
    key = str(uuid.uuid4())
    body = {"template_id": shop.template.id, "name": "Bags", "size": 9}
    created = await api.post("/api/v1/insert-batches", json=body, headers=auth(shop, key))
    assert created.status_code == 201, created.text
    again = await api.post("/api/v1/insert-batches", json=body, headers=auth(shop, key))
    assert again.json() == created.json() and again.headers["Idempotent-Replayed"] == "true"
    conflict = await api.post("/api/v1/insert-batches", json={**body, "size": 3}, headers=auth(shop, key))
    assert conflict.status_code == 409
    batch = created.json()
    assert batch["printed"] == 9 and batch["used"] == 0 and batch["conversion"] == 0
    pdf = await api.get(batch["pdf_url"], headers=auth(shop))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf_page_count(pdf.content) == 2
    listed = await api.get("/api/v1/insert-batches", headers=auth(shop))
    assert [b["id"] for b in listed.json()] == [batch["id"]]
    foreign = await api.get(batch["pdf_url"], headers=auth(await make_shop()))
    assert foreign.status_code == 404


def xref_is_sound(pdf: bytes) -> bool:
    """Every object the cross-reference table lists starts where it says."""
    start = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    lines = pdf[start:].split(b"\n")
    count = int(lines[1].split()[1])
    offsets = [int(line.split()[0]) for line in lines[3 : 2 + count]]
    return all(pdf[offset:].startswith(f"{n} 0 obj".encode()) for n, offset in enumerate(offsets, start=1))


async def test_a_batch_pdf_holds_one_page_of_pixels_at_a_time(shop, secret):
    import gc
    import weakref

    batch = await create_batch(shop.business_id, shop.template.id, name="Big run", size=80)
    urls = await inserts.batch_urls(batch, secret, PUBLIC)
    alive_at_once, drawn = [], []

    def watched(pages):
        for page in pages:
            gc.collect()
            alive_at_once.append(sum(ref() is not None for ref in drawn) + 1)
            drawn.append(weakref.ref(page))
            yield page

    pages = inserts.render_pages(urls, business_name="Café", card_name="Coffee", kind="stamp", design={})
    pdf = pdf_bytes(watched(pages))
    assert pdf_page_count(pdf) == 10 and xref_is_sound(pdf)
    assert max(alive_at_once) <= 2  # the page being drawn, and at most the one just written


async def test_a_big_batch_pdf_is_drawn_while_the_process_keeps_serving(shop, secret):
    batch = await create_batch(shop.business_id, shop.template.id, name="Big run", size=320)
    async with LoopWatch() as watch:
        pdf = await inserts.batch_pdf(batch, secret, PUBLIC)
    assert pdf_page_count(pdf) == 40
    assert watch.took > 1.0  # forty pages take a while to draw…
    assert watch.longest < 0.5  # …and the event loop went on serving meanwhile


def test_the_printed_words_of_an_insert_are_in_the_business_s_language(configure, tmp_path):
    from hub.i18n import Lang
    from tests.catalogues import stand_in, write_catalogue

    write_catalogue(tmp_path, "he")
    configure(LOCALES_DIR=str(tmp_path))
    lines = inserts.instructions("lottery", Lang("he")).split("\n")
    assert lines == [
        stand_in("he", "Scan with your phone camera for a lottery draw."),
        stand_in("he", "New here? Join in seconds, no app needed."),
        stand_in("he", "Each code works once."),
    ]
    assert inserts.instructions("stamp").startswith("Scan with your phone camera for a stamp.")
