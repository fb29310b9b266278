import asyncio
import uuid
from datetime import UTC, datetime

from hub.domain import codes
from hub.domain.staff_sessions import current_seat, session_for
from hub.domain.stamps import adjust_stamps
from hub.models import Voucher
from hub.ui.scanner.desk import Desk
from tests.api_steps import auth


async def voucher_of(shop) -> Voucher:
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    return await Voucher.filter(card_id=shop.card.id).order_by("-id").first()


def unknown_code() -> str:
    body = "".join(codes.REDEEM_ALPHABET[(i * 7 + uuid.uuid4().int) % 32] for i in range(7))
    return codes.format_redeem_code(body + codes._check_char(body))


async def redeem(api, shop, code: str, key: str | None = None):
    return await api.post(
        "/api/v1/redeem-codes/redeem", json={"redeem_code": code}, headers=auth(shop, key or str(uuid.uuid4()))
    )


async def test_a_typo_is_caught_by_the_check_character_before_any_lookup(api, shop, redis):
    voucher = await voucher_of(shop)
    typo = voucher.redeem_code[:3] + ("A" if voucher.redeem_code[3] != "A" else "B") + voucher.redeem_code[4:]
    response = await redeem(api, shop, typo)
    assert response.status_code == 422 and response.json()["field"] == "redeem_code"
    assert "typo" in response.json()["message"]
    assert (await Voucher.get(id=voucher.id)).state.value == "active"


async def test_a_code_redeems_once_and_the_second_use_is_rejected_naming_when(api, shop, redis):
    voucher = await voucher_of(shop)
    shown = codes.format_redeem_code(voucher.redeem_code).lower()  # cashiers type any case, with the dash
    check = await api.post("/api/v1/redeem-codes/check", json={"redeem_code": shown}, headers=auth(shop))
    assert check.status_code == 200 and check.json()["redeemable"] is True
    first = await redeem(api, shop, shown)
    assert first.status_code == 200 and first.json()["outcome"] == "redeemed"
    second = await redeem(api, shop, shown)
    assert second.json()["outcome"] == "rejected" and second.json()["reason"] == "already_redeemed"
    assert second.json()["detail"]["redeemed_via"] == "pos"
    check = await api.post("/api/v1/redeem-codes/check", json={"redeem_code": shown}, headers=auth(shop))
    assert check.json()["redeemable"] is False and check.json()["state"] == "redeemed"


async def test_a_retried_request_with_the_same_idempotency_key_gets_the_same_answer(api, shop, redis):
    voucher = await voucher_of(shop)
    key = str(uuid.uuid4())
    first = await redeem(api, shop, voucher.redeem_code, key)
    again = await redeem(api, shop, voucher.redeem_code, key)
    assert first.json() == again.json() and again.json()["outcome"] == "redeemed"
    assert again.headers["Idempotent-Replayed"] == "true"
    missing = await api.post("/api/v1/redeem-codes/redeem", json={"redeem_code": "X"}, headers=auth(shop))
    assert missing.status_code == 422, missing.text
    assert missing.json()["fields"][0]["field"] == "header.Idempotency-Key"


async def test_a_voucher_of_another_business_is_not_found(api, shop, other_shop, redis):
    voucher = await voucher_of(shop)
    response = await redeem(api, other_shop, voucher.redeem_code)
    assert response.status_code == 404
    assert (await Voucher.get(id=voucher.id)).state.value == "active"


async def test_unknown_codes_slow_the_client_down_with_a_doubling_wait(api, shop, redis, clock_at):
    clock = clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    voucher = await voucher_of(shop)
    for _ in range(11):
        assert (await redeem(api, shop, unknown_code())).status_code == 404
    waiting = await redeem(api, shop, voucher.redeem_code)
    assert waiting.status_code == 429 and waiting.json()["error"] == "rate_limited"
    assert waiting.headers["Retry-After"] == "1"
    check = await api.post("/api/v1/redeem-codes/check", json={"redeem_code": voucher.redeem_code}, headers=auth(shop))
    assert check.status_code == 429
    clock.advance(seconds=1)
    assert (await redeem(api, shop, unknown_code())).status_code == 404
    assert (await redeem(api, shop, unknown_code())).headers["Retry-After"] == "2"
    clock.advance(seconds=2)
    assert (await redeem(api, shop, voucher.redeem_code)).json()["outcome"] == "redeemed"


async def test_another_business_guessing_from_the_same_address_never_slows_this_till(
    api, shop, other_shop, redis, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    voucher = await voucher_of(shop)
    for _ in range(30):
        await redeem(api, other_shop, unknown_code())
    assert (await redeem(api, other_shop, unknown_code())).status_code == 429
    # Same client address, this business's key: unaffected.
    assert (await redeem(api, shop, voucher.redeem_code)).json()["outcome"] == "redeemed"


async def test_typos_do_not_count(api, shop, redis):
    voucher = await voucher_of(shop)
    for _ in range(15):
        assert (await redeem(api, shop, "AAAA-AAAB")).status_code == 422
    assert (await redeem(api, shop, voucher.redeem_code)).json()["outcome"] == "redeemed"


async def test_a_burst_of_parallel_guesses_is_counted_before_any_is_answered(api, shop, redis, clock_at):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    answers = await asyncio.gather(*(redeem(api, shop, unknown_code()) for _ in range(40)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(404) == 11 and statuses.count(429) == 29


async def test_the_scanner_typing_redeem_codes_goes_through_the_same_limiter(live, shop, redis, secret, clock_at):
    clock = clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    voucher = await voucher_of(shop)
    desk = Desk(await current_seat(session_for(shop.seat)), secret)
    for _ in range(11):
        assert (await desk.redeem_code(unknown_code())).reason == "not_found"
    refused = await desk.redeem_code(voucher.redeem_code)
    assert refused.reason == "rate_limited" and "Too many attempts" in refused.detail
    clock.advance(seconds=1)
    assert (await desk.redeem_code(voucher.redeem_code)).tone == "redeemed"
