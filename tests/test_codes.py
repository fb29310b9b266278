import pytest

from hub.domain import codes
from hub.errors import ForgedCode, MalformedCode

SECRET = b"k" * 32


def test_a_card_code_round_trips():
    parsed = codes.parse_code(SECRET, codes.card_code(SECRET, 113772))
    assert (parsed.kind, parsed.ident) == ("card", 113772)


def test_a_code_signed_with_another_key_is_forged():
    with pytest.raises(ForgedCode):
        codes.parse_code(SECRET, codes.card_code(b"other", 113772))


def test_a_changed_card_number_breaks_the_signature():
    code = codes.card_code(SECRET, 113772).replace("113772", "113773")
    with pytest.raises(ForgedCode):
        codes.parse_code(SECRET, code)


@pytest.mark.parametrize("raw", ["", "113772", "C.113772", "hello world", "X.1.AAAAAAAAAAAAAAAA", "C.1." + "A" * 40])
def test_garbage_is_malformed(raw):
    with pytest.raises(MalformedCode):
        codes.parse_code(SECRET, raw)


def test_every_single_character_typo_in_a_redeem_code_is_caught():
    code = codes.new_redeem_code()
    assert codes.normalize_redeem_code(codes.format_redeem_code(code)) == code
    for i in range(8):
        for c in codes.REDEEM_ALPHABET:
            if c != code[i]:
                assert codes.normalize_redeem_code(code[:i] + c + code[i + 1 :]) is None


def test_card_tokens_are_long_and_random():
    tokens = {codes.new_card_token() for _ in range(1000)}
    assert len(tokens) == 1000 and all(len(t) >= 22 for t in tokens)


def test_the_google_pass_rotating_barcode_scans_now_and_dies_as_a_screenshot():
    import time

    from hub.errors import StaleCode
    from hub.wallet.rotating import totp, totp_key

    now = time.time()
    live = f"T.113772.{totp(totp_key(SECRET, 113772), now)}"
    assert codes.parse_code(SECRET, live, now=now) == codes.ScanCode("card", 113772)
    with pytest.raises(StaleCode):
        codes.parse_code(SECRET, live, now=now + 600)
    with pytest.raises(ForgedCode):
        codes.parse_code(b"other secret", live, now=now)
