import pytest

from hub import clock
from hub.domain import codes
from hub.errors import ForgedCode, StaleCode

SECRET = b"k" * 32
T = 1_800_000_015.0  # 15 s into a window


def test_a_rotating_code_parses_as_the_card_it_belongs_to():
    parsed = codes.parse_code(SECRET, codes.rotating_card_code(SECRET, 113772, now=T), now=T)
    assert parsed == codes.ScanCode("card", 113772)


def test_a_code_from_the_previous_window_still_scans_across_a_rollover():
    code = codes.rotating_card_code(SECRET, 113772, now=T)
    assert codes.parse_code(SECRET, code, now=T + 30).ident == 113772


def test_a_code_two_windows_old_is_stale():
    code = codes.rotating_card_code(SECRET, 113772, now=T)
    with pytest.raises(StaleCode) as caught:
        codes.parse_code(SECRET, code, now=T + 60)
    assert caught.value.code == "stale_code"
    assert "30 seconds" in caught.value.message


def test_a_code_from_a_future_window_is_refused():
    code = codes.rotating_card_code(SECRET, 113772, now=T + 60)
    with pytest.raises(StaleCode):
        codes.parse_code(SECRET, code, now=T)


def test_a_rotating_code_changes_every_thirty_seconds():
    assert codes.rotating_card_code(SECRET, 1, now=T) != codes.rotating_card_code(SECRET, 1, now=T + 30)
    assert codes.rotating_card_code(SECRET, 1, now=T) == codes.rotating_card_code(SECRET, 1, now=T + 14)


def test_a_stale_forgery_is_called_forged_not_stale():
    code = codes.rotating_card_code(SECRET, 113772, now=T).replace("113772", "113773")
    with pytest.raises(ForgedCode):
        codes.parse_code(SECRET, code, now=T + 600)


def test_static_codes_still_parse_through_the_same_function():
    assert codes.parse_code(SECRET, codes.card_code(SECRET, 7)).ident == 7
    assert codes.parse_code(SECRET, codes.voucher_code(SECRET, 9)).kind == "voucher"


async def test_scanning_a_stale_rotating_code_stamps_nothing(shop, secret):
    from hub.domain.scans import scan
    from hub.models import Card

    old = codes.rotating_card_code(secret, shop.card.number, now=clock.timestamp() - 90)
    with pytest.raises(StaleCode):
        await scan(shop.business_id, old, secret=secret)
    fresh = codes.rotating_card_code(secret, shop.card.number)
    result = await scan(shop.business_id, fresh, secret=secret)
    assert result.outcome == "stamped"
    assert (await Card.get(id=shop.card.id)).stamps == 1
