"""The frame every public page shares: phone-width column, language from the browser, switcher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from fastapi import Request
from nicegui import app, ui

from hub.i18n import N_, Lang, choose, languages, supported
from hub.ui.card_render import CARD_CSS

PAGE_CSS = """
body { background: #f4efe7; }
.nicegui-content { padding: 0; }
.mono-wrap { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
@keyframes voucher-flip { 0% { transform: rotateX(0); } 50% { transform: rotateX(90deg); }
  100% { transform: rotateX(0); } }
.voucher-finished { animation: voucher-flip 0.5s ease-in-out; }
"""

# Shown in the switcher's tooltip; kept here so extraction sees it.
LANGUAGE_LABEL = N_("Language")


def page_language(request: Request, requested: str | None, default: str | None = None) -> Lang:
    """The page's language: ?lang= (remembered for this browser), the remembered one, or Accept-Language.

    Call before the page awaits anything that lets the response go out: the browser
    storage is a cookie and can only change with the page's own response.
    """
    storage = app.storage.browser
    code = choose(
        requested=requested,
        stored=storage.get("lang"),
        accept_language=request.headers.get("accept-language"),
        default=default,
    )
    if supported(requested) and storage.get("lang") != code:
        storage["lang"] = code
    return Lang(code)


def language_switcher(lang: Lang, path: str, **params: object) -> None:
    def switch(code: str) -> None:
        query = urlencode({**{k: v for k, v in params.items() if v is not None}, "lang": code})
        ui.navigate.to(f"{path}?{query}")

    with ui.row().classes("items-center gap-1 no-wrap"):
        ui.icon("translate", size="18px").classes("opacity-70")
        ui.select(languages(), value=lang.code, on_change=lambda e: switch(e.value)).props(
            f'dense borderless options-dense aria-label="{lang._(LANGUAGE_LABEL)}"'
        ).mark("language")


def declare_language(lang: Lang) -> None:
    """`<html lang dir>` for screen readers, hyphenation, the translate offer and right-to-left."""
    ui.add_body_html(
        f"<script>document.documentElement.lang = {json.dumps(lang.html_lang)};"
        f"document.documentElement.dir = {json.dumps(lang.dir)};</script>"
    )


@contextmanager
def frame(lang: Lang, title: str, path: str, **params: object) -> Iterator[None]:
    """Phone-first column (perfect at 360 px, centred on bigger screens) with the switcher at the foot."""
    ui.page_title(title)
    ui.add_css(CARD_CSS + PAGE_CSS)
    declare_language(lang)
    with ui.column().classes("w-full items-stretch gap-3 px-3 py-4 mx-auto").style("max-width:440px"):
        yield
        with ui.row().classes("w-full justify-center mt-2 text-sm"):
            language_switcher(lang, path, **params)


def not_found(lang: Lang, message: str, path: str) -> None:
    from nicegui import context

    context.client.status_code = 404
    with frame(lang, message, path):
        with ui.column().classes("w-full items-center gap-2 py-16 text-center"):
            ui.icon("search_off", size="48px").classes("opacity-50")
            ui.label(message).classes("text-lg").mark("not-found")
