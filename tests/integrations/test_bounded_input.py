"""What a careless or hostile client sends is bounded at the edge: body sizes, integers the
database cannot hold, control characters, names and birthdays, log lines, images."""

import io
import logging
import uuid

import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from hub.models import Customer
from hub.wallet.config import wallet_config
from tests.api_steps import auth
from tests.conftest import eventually
from tests.loop_watch import LoopWatch
from tests.ui.owner_steps import html_of, open_designer

# --- Bodies ------------------------------------------------------------------------------


async def test_an_oversized_body_is_refused_before_it_is_read(api):
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(1024):  # 1 MB in 1 KB chunks, no Content-Length: chunked
            sent += 1
            yield b"x" * 1024

    response = await api.post("/api/v1/scans", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    assert sent <= 65  # stopped at the 64 KB limit, not after the whole body


async def test_a_declared_length_past_the_limit_is_refused_at_once_without_credentials(api):
    response = await api.post("/api/v1/cards", content=b"{" + b" " * 200_000 + b"}")
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


async def test_a_body_within_the_limit_is_read_as_usual(api, shop):
    async def chunked():
        yield b'{"code": "C.1.'
        yield b'X", "idempotency_key": "k"}'

    response = await api.post(
        "/api/v1/scans", content=chunked(), headers={**auth(shop), "content-type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["error"] == "malformed_code"


# --- Integers and text at the edge -------------------------------------------------------

HUGE = str(10**30)


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", f"/api/v1/cards/{HUGE}", None),
        ("GET", f"/api/v1/cards/{2**31}", None),
        ("GET", f"/api/v1/insert-batches/{HUGE}", None),
        ("GET", f"/api/v1/insert-batches/{2**31}/pdf", None),
        ("GET", f"/api/v1/webhooks/deliveries?endpoint_id={HUGE}&limit=-5", None),
        ("PATCH", f"/api/v1/webhooks/endpoints/{2**31}", {"active": False}),
        ("DELETE", f"/api/v1/receipt-keys/{HUGE}", None),
        ("POST", f"/api/v1/webhooks/deliveries/{2**63}/replay", None),
        ("POST", "/api/v1/receipt-keys", {"location_id": 2**31, "template_id": 1}),
        ("POST", "/api/v1/receipt-keys", {"location_id": 1, "template_id": 1, "min_amount": 2**40}),
        ("POST", "/api/v1/insert-batches", {"template_id": 2**64, "name": "x", "size": 1}),
        ("POST", "/api/v1/cards", {"template_id": 2**31, "name": "Ann"}),
    ],
)
async def test_integers_the_database_cannot_hold_answer_422(api, shop, method, path, body):
    headers = auth(shop, str(uuid.uuid4()))
    response = await api.request(method, path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"


async def test_passkit_parameters_out_of_range_are_not_found_not_errors(api):
    ptid = wallet_config().apple.pass_type_id
    assert (await api.get(f"/passkit/v1/passes/{ptid}/{HUGE}")).status_code == 401
    assert (await api.get(f"/passkit/v1/passes/{ptid}/{2**31}")).status_code == 401
    updated = await api.get(f"/passkit/v1/devices/d1/registrations/{ptid}?passesUpdatedSince={HUGE}")
    assert updated.status_code == 204
    assert (await api.get(f"/wallet/google/logo/{HUGE}-1.png")).status_code == 404
    assert (await api.get(f"/wallet/google/logo/1-{HUGE}.png")).status_code == 404


async def test_a_url_with_control_characters_is_refused_at_the_edge(api, shop):
    for path in ("/api/v1/cards/1%00", "/passkit/v1/devices/a%00b/registrations/x", "/c/abc%0Adef", "/api/v1/x?y=%00"):
        response = await api.get(path, headers=auth(shop))
        assert response.status_code == 400 and response.json()["error"] == "invalid_input", path


@pytest.mark.parametrize(
    "card, field",
    [
        ({"name": "Ann\x00"}, "name"),
        ({"name": "Ann\nBob"}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "Ann", "birthday": "2999-01-01"}, "birthday"),
        ({"name": "Ann", "birthday": "1850-01-01"}, "birthday"),
        ({"name": "Ann", "email": "ann@@"}, "email"),
    ],
)
async def test_names_and_birthdays_are_checked_as_on_the_join_page(api, shop, card, field):
    before = await Customer.filter(business_id=shop.business_id).count()
    response = await api.post("/api/v1/cards", json={"template_id": shop.template.id, **card}, headers=auth(shop))
    assert response.status_code == 422, response.text
    assert field in response.text
    assert await Customer.filter(business_id=shop.business_id).count() == before


# --- Device log lines --------------------------------------------------------------------


async def test_a_device_cannot_forge_a_log_line(api, caplog):
    forged = "fine\n2030-01-01 12:00:00 CRITICAL hub.payments: refund issued\r\x1b[2K"
    with caplog.at_level(logging.WARNING):
        response = await api.post("/passkit/v1/log", json={"logs": [forged]})
    assert response.status_code == 200
    [line] = [r.getMessage() for r in caplog.records if "Apple Wallet reported" in r.getMessage()]
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "fine\\n2030-01-01" in line


# --- Images ------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#e0a458").save(out, format="PNG")
    return out.getvalue()


async def test_a_huge_image_is_refused_by_its_pixel_count(user: User, live, redis, shop):
    await open_designer(user, shop)
    upload = user.find(marker="upload-strip").elements.pop()
    await upload.handle_uploads([SmallFileUpload("big.png", "image/png", png(8000, 5000))])
    await user.should_see("too large", retries=50)


async def test_an_image_is_decoded_while_every_page_keeps_running(user: User, live, redis, shop):
    await open_designer(user, shop)
    upload = user.find(marker="upload-strip").elements.pop()
    data = png(6000, 4000)  # 24 megapixels: allowed, and slow to decode
    before = html_of(user, "preview-apple")
    async with LoopWatch() as watch:
        await upload.handle_uploads([SmallFileUpload("strip.png", "image/png", data)])
        # The Apple preview redraws its strip from the uploaded picture.
        await eventually(lambda: html_of(user, "preview-apple") != before, timeout=10)
    assert watch.took > 0.2  # the decode really took a while…
    assert watch.longest < 0.3  # …and the event loop never stalled for it


async def test_a_retry_of_a_delivery_id_beyond_the_database_answers_422_not_500(api, shop):
    # The example the fuzzing run found: replaying delivery 2**63.
    response = await api.post(f"/api/v1/webhooks/deliveries/{2**63}/replay", headers=auth(shop, "r1"))
    assert response.status_code == 422
