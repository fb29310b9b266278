"""QR decoding with zxing-cpp, restricted to the one symbology our cards and vouchers use."""

from __future__ import annotations

import base64
import binascii
import io

import numpy as np
import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from hub.errors import InvalidInput
from hub.images import open_image

FORMATS = zxingcpp.BarcodeFormat.QRCode
# A frame is downscaled in the browser; anything bigger is a client bug or abuse.
MAX_FRAME_SIDE = 1280
# Phone photos are 12+ megapixels; a QR held up to the camera decodes fine at this size.
MAX_PHOTO_SIDE = 1600
MAX_PHOTO_BYTES = 15 * 1024 * 1024


def decode_array(gray: np.ndarray) -> list[str]:
    """Texts of the QR codes in a 2-D uint8 grayscale image, in reading order."""
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise InvalidInput("A frame must be a 2-D grayscale uint8 image.")
    return [b.text for b in zxingcpp.read_barcodes(gray, formats=FORMATS) if b.valid and b.text]


def decode_frame(pixels: bytes, width: int, height: int) -> list[str]:
    """Decode one raw grayscale frame (one byte per pixel, row by row)."""
    if not (0 < width <= MAX_FRAME_SIDE and 0 < height <= MAX_FRAME_SIDE):
        raise InvalidInput("The frame size is out of range.")
    if len(pixels) != width * height:
        raise InvalidInput("The frame does not match its size.")
    return decode_array(np.frombuffer(pixels, dtype=np.uint8).reshape(height, width))


def decode_frame_b64(data: str, width: int, height: int) -> list[str]:
    """Decode a base64 grayscale frame as the browser sends it."""
    if len(data) > (MAX_FRAME_SIDE * MAX_FRAME_SIDE * 4) // 3 + 4:
        raise InvalidInput("The frame is too large.")
    try:
        pixels = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("The frame is not valid base64.") from exc
    return decode_frame(pixels, width, height)


def decode_jpeg_frame_b64(data: str) -> list[str]:
    """Decode a base64 JPEG frame (the browser compresses its grayscale frames this way)."""
    if len(data) > MAX_FRAME_SIDE * MAX_FRAME_SIDE:
        raise InvalidInput("The frame is too large.")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("The frame is not valid base64.") from exc
    try:
        image = Image.open(io.BytesIO(raw))
        if image.format != "JPEG" or max(image.size) > MAX_FRAME_SIDE:
            raise InvalidInput("A frame must be a JPEG of at most 1280 pixels a side.")
        gray = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidInput("The frame is not a readable JPEG.") from exc
    return decode_array(np.asarray(gray, dtype=np.uint8))


def decode_photo(data: bytes) -> list[str]:
    """Decode an uploaded photo (JPEG, PNG, HEIF is not supported by Pillow out of the box)."""
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput("That photo is too large; take it again at a lower resolution.")
    unreadable = "That file is not a photo we can read. Use a JPEG or PNG."
    # A JPEG decodes straight at a lower scale (draft), so a 48-megapixel phone photo is fine.
    image = open_image(data, field="photo", unreadable=unreadable, max_pixels=50_000_000)
    try:
        image.draft("L", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
        image = ImageOps.exif_transpose(image).convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(unreadable) from exc
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    return decode_array(np.asarray(image, dtype=np.uint8))
