"""Images from outside (an owner's logo, a staff member's photo of a code) are opened here.

Decoding a large image takes long enough to stall every page of the process, so callers run
`open_image` and what follows in a worker thread (`asyncio.to_thread`), and the pixel count is
checked from the header before a single pixel is decoded.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from hub.errors import InvalidInput

# A 24-megapixel camera photo passes; a 40-megapixel PNG (0.9 s to decode) does not.
MAX_PIXELS = 25_000_000


UNREADABLE = "That file is not an image we can read (PNG, JPEG, GIF or WebP)."


def open_image(
    data: bytes, *, field: str = "image", unreadable: str = UNREADABLE, max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """The image, not yet decoded; raises InvalidInput when it is unreadable or too large."""
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(unreadable, field=field) from exc
    if image.width * image.height > max_pixels:
        image.close()
        raise InvalidInput(
            f"That image is too large: at most {max_pixels // 1_000_000} megapixels, please.", field=field
        )
    return image
