"""The scanner's browser script and styles, served once and cached."""

from __future__ import annotations

from pathlib import Path

from nicegui import app, ui

STATIC_DIR = Path(__file__).parent / "static"
URL = "/scanner-assets"


def register() -> None:
    app.add_static_files(URL, STATIC_DIR, max_cache_age=300)


def include() -> None:
    """Load the script before the page connects, so the server may call it at once."""
    version = int(max(p.stat().st_mtime for p in STATIC_DIR.iterdir()))
    ui.add_head_html(
        f'<script src="{URL}/wedge.js?v={version}"></script>'
        f'<script src="{URL}/scanner.js?v={version}"></script>'
        f'<link rel="stylesheet" href="{URL}/scanner.css?v={version}">'
    )
