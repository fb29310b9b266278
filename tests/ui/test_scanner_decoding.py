"""Decoding what the camera and photos see, and reading each card once while it stays in view."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

from hub.errors import InvalidInput
from hub.scanning.decode import (
    decode_array,
    decode_frame,
    decode_frame_b64,
    decode_jpeg_frame_b64,
    decode_photo,
)
from hub.scanning.repeats import RepeatGuard
from hub.scanning.wedge import clean_burst, clean_key
from tests.ui.seat_steps import qr_image

CODE = "C.113772.ABCDEFGHIJKLMNOP"


def test_a_grayscale_frame_decodes_to_the_code():
    image = qr_image(CODE)
    assert decode_frame(image.tobytes(), image.width, image.height) == [CODE]
    assert decode_frame_b64(base64.b64encode(image.tobytes()).decode(), image.width, image.height) == [CODE]


def test_a_compressed_grayscale_frame_decodes_to_the_code():
    jpeg = io.BytesIO()
    qr_image(CODE).save(jpeg, "JPEG", quality=85)
    assert decode_jpeg_frame_b64(base64.b64encode(jpeg.getvalue()).decode()) == [CODE]
    png = io.BytesIO()
    qr_image(CODE).save(png, "PNG")
    with pytest.raises(InvalidInput):
        decode_jpeg_frame_b64(base64.b64encode(png.getvalue()).decode())


def test_a_frame_that_lies_about_its_size_is_refused():
    with pytest.raises(InvalidInput):
        decode_frame(bytes(100), 10, 11)
    with pytest.raises(InvalidInput):
        decode_frame(bytes(4000 * 3), 4000, 3)
    with pytest.raises(InvalidInput):
        decode_frame_b64("not base64!", 2, 2)


def test_an_empty_frame_has_no_code():
    assert decode_array(np.full((240, 320), 200, dtype=np.uint8)) == []


def test_a_rotated_phone_photo_decodes():
    photo = io.BytesIO()
    qr_image(CODE, size=1200).convert("RGB").rotate(90, expand=True).save(photo, "JPEG", quality=80)
    assert decode_photo(photo.getvalue()) == [CODE]


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(InvalidInput):
        decode_photo(b"%PDF-1.4 not an image")


def test_only_qr_codes_are_read():
    import zxingcpp

    barcode = zxingcpp.create_barcode(CODE, zxingcpp.BarcodeFormat.Code128)
    pixels = np.ascontiguousarray(np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=3)), dtype=np.uint8)
    assert zxingcpp.read_barcodes(pixels)  # readable as what it is
    assert decode_array(pixels) == []


def test_a_card_in_view_counts_once_until_it_leaves_for_a_while():
    now = [0.0]
    guard = RepeatGuard(window=4.0, clock=lambda: now[0])
    assert guard.fresh(CODE)
    for _ in range(10):  # held in front of the camera for five seconds
        now[0] += 0.5
        assert not guard.fresh(CODE)
    assert guard.fresh("C.1.OTHERCARDCODEXX")
    now[0] += 4.5
    assert guard.fresh(CODE)  # shown again: a second coffee


def test_the_absence_that_counts_starts_when_the_camera_looks_again():
    now = [0.0]
    guard = RepeatGuard(window=4.0, clock=lambda: now[0])
    assert guard.fresh(CODE)
    now[0] = 5.0  # the answer took five seconds under load; the camera was not looking
    guard.hold(CODE, until=max(2.5, now[0]))
    now[0] = 5.3  # the first frame after: the card is still there
    assert not guard.fresh(CODE)
    now[0] = 10.0
    assert guard.fresh(CODE)  # gone for more than the window since the camera looked again


def test_a_rotating_code_that_changes_while_in_view_still_counts_once():
    guard = RepeatGuard(window=4.0, clock=lambda: 0.0)
    assert guard.fresh("R.113772.59000000.ABCDEFGHIJKLMNOP")
    assert not guard.fresh("R.113772.59000001.QRSTUVWXYZ234567")
    assert not guard.fresh("c.113772.ABCDEFGHIJKLMNOP")
    assert guard.fresh("V.113772.ABCDEFGHIJKLMNOP")  # a voucher with the same number is another thing


def test_scanner_bursts_are_cleaned():
    assert clean_burst("  C.1.ABC  ") == "C.1.ABC"
    assert clean_burst("x" * 500) is None
    assert clean_burst("C.1\x00") is None
    assert clean_burst(42) is None
    assert clean_key("0f8fad5b-d9cb-469f-a165-70867728950e") == "wedge-0f8fad5b-d9cb-469f-a165-70867728950e"
    assert clean_key("short") is None
    assert clean_key("bad key with spaces") is None
