"""A PDF of full-page pictures, written one page at a time.

Pillow's PDF writer wants every page in memory at once: 250 A4 pages of delivery inserts are
2 GB of pixels. Here each page is JPEG-encoded as soon as it is drawn and only its bytes are
kept, so a page's pixels are freed before the next one is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image


def image_pdf(pages: Iterable[Image.Image], *, dpi: int, quality: int = 75) -> bytes:
    out = io.BytesIO()
    offsets: dict[int, int] = {}

    def obj(number: int, body: bytes, stream: bytes | None = None) -> None:
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + body)
        if stream is not None:
            out.write(b"\nstream\n" + stream + b"\nendstream")
        out.write(b"\nendobj\n")

    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    kids: list[int] = []
    number = 3  # 1: catalog, 2: page tree, written last
    for page in pages:
        jpeg = io.BytesIO()
        page.convert("RGB").save(jpeg, format="JPEG", quality=quality)
        data = jpeg.getvalue()
        width, height = page.size
        points_w, points_h = width * 72 / dpi, height * 72 / dpi
        image, content, page_ref = number, number + 1, number + 2
        number += 3
        obj(
            image,
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB "
            f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(data)} >>".encode(),
            data,
        )
        drawing = f"q {points_w:.2f} 0 0 {points_h:.2f} 0 0 cm /Im0 Do Q".encode()
        obj(content, f"<< /Length {len(drawing)} >>".encode(), drawing)
        obj(
            page_ref,
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {points_w:.2f} {points_h:.2f}] "
            f"/Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>".encode(),
        )
        kids.append(page_ref)
    if not kids:
        raise ValueError("a PDF needs at least one page")
    obj(2, f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    xref = out.tell()
    out.write(f"xref\n0 {number}\n0000000000 65535 f \n".encode())
    for n in range(1, number):
        out.write(f"{offsets[n]:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {number} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
