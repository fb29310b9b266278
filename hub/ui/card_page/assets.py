"""The customer pages' script and style, served under content-hashed names for immutable caching.

A page links `/pub/<name>.<hash>.<ext>`; the hash changes with the content, so a browser keeps
each file for a year and a new release is fetched once. Files are compressed once at start-up.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import nicegui
from fastapi import Request
from fastapi.responses import Response

STATIC = Path(__file__).resolve().parent / "static"
SOURCES = {
    "page.css": STATIC / "page.css",
    "page.js": STATIC / "page.js",
    "card.js": STATIC / "card.js",
    # The Socket.IO client NiceGUI already ships (protocol 5, as the hub speaks).
    "socket.io.js": Path(nicegui.__file__).resolve().parent / "static" / "socket.io.min.js",
}
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    url_name: str
    media_type: str
    body: bytes
    compressed: bytes


@functools.cache
def _assets() -> dict[str, Asset]:
    out = {}
    for name, path in SOURCES.items():
        body = path.read_bytes()
        stem, ext = name.rsplit(".", 1)
        url_name = f"{stem}.{hashlib.sha256(body).hexdigest()[:12]}.{ext}"
        out[url_name] = Asset(url_name, TYPES["." + ext], body, gzip.compress(body, 9, mtime=0))
    return out


@functools.cache
def asset_url(name: str) -> str:
    stem, ext = name.rsplit(".", 1)
    for asset in _assets().values():
        if asset.url_name.startswith(stem + ".") and asset.url_name.endswith("." + ext):
            return f"/pub/{asset.url_name}"
    raise KeyError(name)


async def serve_asset(request: Request, name: str) -> Response:
    return asset_response(name, request.headers.get("accept-encoding", ""))


def asset_response(name: str, accept_encoding: str) -> Response:
    asset = _assets().get(name)
    if asset is None:
        return Response(status_code=404)
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff"}
    if "gzip" in accept_encoding:
        headers["Content-Encoding"] = "gzip"
        return Response(asset.compressed, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)
