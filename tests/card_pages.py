"""The server-rendered customer pages as a test reads them, and the card page's live part as its
script (hub/ui/card_page/static/card.js) works: on an event of the card's room, fetch the state.

Chromium tests run the script itself; these read what it would be given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from typing import Any

import httpx

from hub.realtime.bus import EventBus


class Html(HTMLParser):
    """Text and marked elements (`data-mark`) of a page or fragment."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.parts: list[str] = []
        self.marked: list[dict[str, Any]] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "data-mark" in attributes:
            self.marked.append({"tag": tag, **attributes})

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())

    def marks(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.marked if e["data-mark"] == name]

    def sees(self, text: str) -> bool:
        return text in self.text

    def should_see(self, text: str) -> None:
        assert text in self.text, f"{text!r} not in {self.text!r}"

    def should_not_see(self, text: str) -> None:
        assert text not in self.text, f"{text!r} unexpectedly in the page"


class CardPage:
    """One browser tab on /c/<token>."""

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.token = token
        self.shown: int | None = None
        self.version: str | None = None
        self.html: Html | None = None
        self.draws: list[dict[str, Any]] = []

    async def open(self, query: str = "") -> Html:
        response = await self.http.get(f"/c/{self.token}{query}")
        assert response.status_code == 200, response.text
        self.html = Html(response.text)
        self.shown = int(_attribute(response.text, "data-stamps"))
        self.version = _attribute(response.text, "data-v")
        return self.html

    async def refresh(self) -> Html:
        """What the script does on an event or a (re)connect: fetch the state and redraw when it changed."""
        response = await self.http.get(f"/c/{self.token}/state", params={"shown": self.shown, "v": self.version})
        assert response.status_code == 200, response.text
        state = response.json()
        self.draws = state["draws"]
        if state["v"] != self.version:
            assert "html" in state
            self.version, self.shown = state["v"], state["stamps"]
            self.html = Html(state["html"])
        assert self.html is not None
        return self.html

    async def live(self, bus: EventBus, action: Callable[[], Awaitable[Any]], *, settle: float = 0.1) -> Html:
        """Run `action` and redraw once an event for this card's room arrives, as the page would."""
        arrived = asyncio.Event()
        unsubscribe = bus.subscribe(f"card:{self.token}", lambda event: arrived.set())
        try:
            await action()
            await asyncio.wait_for(arrived.wait(), 5)
            await asyncio.sleep(settle)  # the script coalesces one operation's events
        finally:
            unsubscribe()
        return await self.refresh()


def _attribute(source: str, name: str) -> str:
    start = source.index(f'{name}="') + len(name) + 2
    return source[start : source.index('"', start)]


async def submit_join(
    http: httpx.AsyncClient, template_id: int, name: str = "", *, query: str = "", **fields: str
) -> httpx.Response:
    """Fill in the join form of /join/<template> and press "Get my card" (the redirect not followed)."""
    form = await http.get(f"/join/{template_id}{query}")
    assert form.status_code == 200, form.text
    hidden = {}
    for key in ("then", "fresh"):
        if f'type="hidden" name="{key}"' in form.text:
            hidden[key] = _attribute(form.text.split(f'type="hidden" name="{key}"', 1)[1], "value")
    return await http.post(f"/join/{template_id}", data={**hidden, "name": name, **fields})


async def open_code(http: httpx.AsyncClient, path: str) -> httpx.Response:
    """Open /i/<code> as a phone does: the page, then the form its script posts once the page is
    shown (static/page.js); a redirect (to join first, or to the card's draw) is not followed."""
    opened = await http.get(path)
    if opened.status_code != 200 or "data-submit-on-show" not in opened.text:
        return opened
    form = opened.text.split('method="post"', 1)[1]
    return await http.post(_attribute(form, "action"), data={"card": _attribute(form, "value")})
