from hub.wallet import google, rotating
from hub.wallet.config import GoogleConfig

SECRET = b"s" * 32
T = 1_800_000_015.0


def test_totp_matches_the_rfc_6238_sha1_vectors():
    key = b"12345678901234567890"
    assert rotating.totp(key, 59) == "94287082"
    assert rotating.totp(key, 1111111109) == "07081804"
    assert rotating.totp(key, 2000000000) == "69279037"


def test_a_rotating_code_passes_in_its_window_and_the_next_only():
    code = f"T.113772.{rotating.totp(rotating.totp_key(SECRET, 113772), T)}"
    assert rotating.verify_rotating_code(SECRET, code, now=T) == 113772
    assert rotating.verify_rotating_code(SECRET, code, now=T + 30) == 113772
    assert rotating.verify_rotating_code(SECRET, code, now=T + 60) is None


def test_a_code_for_another_card_does_not_pass():
    code = f"T.113773.{rotating.totp(rotating.totp_key(SECRET, 113772), T)}"
    assert rotating.verify_rotating_code(SECRET, code, now=T) is None
    assert rotating.verify_rotating_code(SECRET, "C.113772.AAAAAAAAAAAAAAAA", now=T) is None


def test_the_google_object_carries_the_totp_parameters_google_needs():
    barcode = rotating.google_rotating_barcode(SECRET, 113772)
    assert barcode["valuePattern"] == "T.113772.{totp_value_0}"
    details = barcode["totpDetails"]
    assert details["algorithm"] == "TOTP_SHA1" and details["periodMillis"] == "30000"
    [parameter] = details["parameters"]
    assert bytes.fromhex(parameter["key"]) == rotating.totp_key(SECRET, 113772)
    assert parameter["valueLength"] == 8


def test_the_rotating_barcode_is_only_added_when_switched_on():
    from hub.wallet.content import PassContent

    content = PassContent(
        card_id=1,
        business_id=1,
        template_id=1,
        template_version=1,
        number=113772,
        code="C.113772.X",
        page_url="http://x/c/t",
        business_name="Café",
        customer_name="Mina",
        title="Coffee",
        subtitle="",
        reward_title="Free coffee",
        stamps=2,
        stamps_required=8,
        active_vouchers=0,
        deleted=False,
    )
    conf = GoogleConfig("338", "a@b", b"", None, "http://api", "http://token", rotating_barcode=False)
    assert "rotatingBarcode" not in google.loyalty_object(conf, content, secret=SECRET)
    on = GoogleConfig("338", "a@b", b"", None, "http://api", "http://token", rotating_barcode=True)
    assert google.loyalty_object(on, content, secret=SECRET)["rotatingBarcode"]["type"] == "QR_CODE"


def test_the_scanner_can_tell_a_screenshot_from_a_forgery():
    key = rotating.totp_key(SECRET, 113772)
    code = f"T.113772.{rotating.totp(key, T)}"
    assert rotating.check_rotating_code(SECRET, code, now=T) == ("valid", 113772)
    assert rotating.check_rotating_code(SECRET, code, now=T + 600) == ("stale", 113772)
    assert rotating.check_rotating_code(SECRET, "T.113772.00000000", now=T)[0] == "forged"
    assert rotating.check_rotating_code(SECRET, "T.1.2", now=T) == ("forged", None)
