"""The admin's read-only replica of a customer's card page, live (the customer's own page is
server-rendered: card_routes.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import context, ui

from hub.domain import codes
from hub.domain.card_view import CardView, current_view, view_as_of
from hub.domain.cards import card_by_id
from hub.i18n import Lang
from hub.models import Card, CardEvent
from hub.render.qr import svg_data_url
from hub.runtime import runtime
from hub.ui.card_page import views
from hub.ui.live import subscribe

COALESCE_SECONDS = 0.05


def _drawn_from(view: CardView | None, links: list[dict[str, Any]]) -> tuple | None:
    """What the page is drawn from: the same twice means a redraw would change nothing."""
    if view is None:
        return None
    template = tuple(getattr(view.template, name) for name in view.template._meta.fields_db_projection)
    business = (view.business.name, view.business.timezone)
    card = (view.stamps, view.deleted, view.card.number, view.card.template_version, view.holder)
    return card, template, business, view.vouchers, view.history, links


class LiveCard:
    """One client's view of one card.

    Everything shown is re-read from the database on each event and on each (re)connect,
    so a dropped network, a missed event or a reconnect to another process all end in the
    same, current picture.
    """

    def __init__(self, card: Card, lang: Lang, *, as_of: CardEvent | None = None) -> None:
        self.card = card
        self.token = card.token
        self.lang = lang
        self.as_of = as_of
        self.secret = runtime().settings.secret_key
        self.shown_stamps: int | None = None
        self.qr: ui.image | None = None
        self.window = codes.rotation_window()
        self.connections = 0
        self.refresh_scheduled = False
        # Two redraws at once (a live event and a reconnect) would each clear the body and
        # then both draw into it; one at a time keeps a single card on the page.
        self.redraw_lock = asyncio.Lock()
        self.drawn: tuple | None = None
        self.built = False
        self.missed = False  # an event came while the page was being built
        self.resend = False  # the browser may lack what is drawn: the next redraw draws anyway

    async def load(self) -> CardView | None:
        if self.as_of is not None:
            return await view_as_of(self.card, self.as_of)
        card = await card_by_id(self.card.id)
        if card is None:
            return None
        self.card = card
        return await current_view(card, hide_unrevealed_prizes=False)

    async def build(self) -> None:
        if self.as_of is None:
            # Subscribed before reading: a stamp that lands during the read starts a redraw,
            # which waits for this first draw and then shows it.
            subscribe(f"card:{self.token}", self.on_event)
        async with self.redraw_lock:
            self.body(*await self.read())
        self.built = True
        if self.missed:
            self._refresh_soon()
        if self.as_of is None:
            ui.timer(1.0, self.rotate)
            context.client.on_connect(self.on_connect)

    async def read(self) -> tuple[CardView | None, list[dict[str, Any]]]:
        view = await self.load()
        links = await views.wallet_links_of(view) if view is not None and not view.deleted else []
        return view, links

    @ui.refreshable_method
    def body(self, view: CardView | None, links: list[dict[str, Any]]) -> None:
        # Drawn from what was read before: clearing and drawing happen in one go, so a live
        # update never shows the customer an empty card while the database answers.
        self.drawn = _drawn_from(view, links)
        if view is None or (view.deleted and self.as_of is None):
            ui.label(self.lang._("This card was deleted.")).classes("text-lg text-center py-8").mark("deleted")
            self.qr = None
            return
        self.lang.timezone = view.business.timezone
        new = 0
        if self.shown_stamps is not None and view.stamps > self.shown_stamps:
            new = view.stamps - self.shown_stamps
        self.shown_stamps = view.stamps
        ui.label(view.business.name).classes("text-sm uppercase tracking-wide opacity-70 text-center")
        views.card_face(view, self.lang, new_stamps=new)
        views.vouchers(view, self.lang, self.secret)
        if not view.deleted:
            self.qr = views.card_code(view, self.lang, self.secret)
            views.wallet_buttons(links, self.lang)
        views.history(view, self.lang)

    def on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "card.message":  # a campaign PUSH: shown as a toast, nothing to redraw
            text = f"{event['title']}: {event['body']}" if event.get("title") else event["body"]
            ui.notify(text, timeout=8000, close_button=True)
            return
        if not self.built:
            # A timer started now would make NiceGUI answer with the half-built page; the
            # build redraws once it is done.
            self.missed = True
            return
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        # One operation emits several events (stamped, voucher issued, updated); they arrive
        # together and are drawn once, so the stamp that popped in is not redrawn still.
        if not self.refresh_scheduled:
            self.refresh_scheduled = True
            ui.timer(COALESCE_SECONDS, self._refresh_now, once=True)

    async def redraw(self) -> None:
        async with self.redraw_lock:
            view, links = await self.read()
            # A late event of what is on screen already (say, of the stamp just before the page
            # opened) must not redraw it: that would cut short the pop of the newest stamp. After
            # a reconnect the browser may have missed what was drawn meanwhile: draw anyway.
            if self.resend or _drawn_from(view, links) != self.drawn:
                self.resend = False
                self.body.refresh(view, links)

    async def _refresh_now(self) -> None:
        self.refresh_scheduled = False
        await self.redraw()

    async def on_connect(self) -> None:
        self.connections += 1
        if self.connections == 1:
            return  # the first connect is the page load itself; only reconnects catch up
        # Drawn by a timer, which runs once the reconnect's handshake is through: what is sent
        # during the handshake itself can be lost, and so can what was drawn while away.
        self.resend = True
        self._refresh_soon()

    def rotate(self) -> None:
        """Swap in the next window's code; no database involved."""
        window = codes.rotation_window()
        if window == self.window or self.qr is None:
            return
        self.window = window
        self.qr.set_source(svg_data_url(codes.rotating_card_code(self.secret, self.card.number)))
