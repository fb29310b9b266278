"""The admin console's shared frame (header + menu) and the owner's session."""

from __future__ import annotations

import asyncio
import functools
import inspect
import weakref
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import Client, app, background_tasks, context, ui

from hub import clock
from hub.domain import businesses, owner_sessions
from hub.errors import DomainError
from hub.models import OwnerAccount
from hub.realtime.access import subject
from hub.render import colours
from hub.ui.live import hold_access

LOGIN = "/admin/login"

MENU = [
    ("Overview", "/admin", "insights"),
    ("Stamp cards", "/admin/templates", "style"),
    ("User Stamp Cards", "/admin/cards", "people"),
    ("Issue Voucher", "/admin/vouchers", "redeem"),
    ("Prize pools", "/admin/prizes", "casino"),
    ("Journal", "/admin/journal", "receipt_long"),
    ("Campaigns", "/admin/campaigns", "campaign"),
    ("Staff", "/admin/staff", "badge"),
    ("Locations", "/admin/locations", "storefront"),
    ("Integrations", "/admin/integrations", "vpn_key"),
    ("Billing", "/admin/billing", "credit_card"),
]


# On a phone every dialog takes the whole screen: a centred box narrower than its form would
# push inputs and buttons off the edge.
PHONE_CSS = """
@media (max-width: 599.98px) {
  .q-dialog__inner--minimized { padding: 0 !important; }
  .q-dialog__inner--minimized > .q-card {
    width: 100vw !important; max-width: 100vw !important; min-height: 100dvh; max-height: 100dvh !important;
    border-radius: 0 !important; overflow-y: auto;
  }
}
"""


@dataclass(frozen=True)
class Session:
    owner_id: int
    business_id: int
    email: str
    business_name: str


async def owner_session() -> Session | None:
    """The signed-in owner, re-checked against the database on every page load; the page ends
    (back to sign-in) as soon as this browser's session does (password changed, signed out)."""
    storage = app.storage.user
    owner = await owner_sessions.current_owner(storage.get("owner"))
    if owner is None:
        storage.pop("owner", None)
        return None
    business = await businesses.get_business(owner.business_id)
    _zones[context.client] = clock.zone(business.timezone)

    async def still_signed_in() -> bool:
        return await owner_sessions.current_owner(storage.get("owner")) is not None

    hold_access(subject("owner", owner.id), still_signed_in, LOGIN)
    return Session(owner.id, business.id, owner.email, business.name)


def sign_in(owner: OwnerAccount) -> None:
    app.storage.user["owner"] = owner_sessions.session_for(owner)


async def sign_out() -> None:
    """This browser's session ends, and with it every page it has open."""
    owner = await owner_sessions.current_owner(app.storage.user.pop("owner", None))
    if owner is not None:
        await owner_sessions.log_out(owner)


def to_login() -> RedirectResponse:
    return RedirectResponse(LOGIN, status_code=303)


@contextmanager
def frame(session: Session, title: str) -> Iterator[ui.column]:
    """Header with the business and sign-out, the left menu, and the page body."""
    ui.colors(primary="#5b3a29", secondary="#e0a458", accent=colours.BRAND)
    ui.add_css(PHONE_CSS)
    ui.query("body").classes("bg-stone-50")
    with ui.header(elevated=False).classes("items-center bg-white text-stone-800 border-b px-4 py-2"):
        ui.button(icon="menu", on_click=lambda: drawer.toggle()).props("flat round color=primary")
        ui.label("Stamphub").classes("text-lg font-bold text-primary")
        ui.label(session.business_name).classes("text-stone-500 truncate min-w-0 max-sm:hidden").mark("business-name")
        ui.space()
        ui.link(session.email, "/admin/account").classes("text-sm text-stone-500 max-md:hidden").mark("account")
        with ui.link(target="/admin/account").classes("md:hidden"):
            ui.icon("account_circle", size="28px").classes("text-primary").tooltip(session.email)
        ui.button("Sign out", on_click=lambda: ui.navigate.to("/admin/logout")).props("flat color=primary")
    # Open beside the page on a wide screen, closed (a tap on the menu button away) on a phone.
    with ui.left_drawer(value=False, bordered=True).classes("bg-white p-0").props("width=230 show-if-above") as drawer:
        with ui.list().classes("w-full pt-2"):
            for label, href, icon in MENU:
                with (
                    ui.item(on_click=lambda h=href: ui.navigate.to(h))
                    .classes("rounded-r-full" + (" bg-amber-50 text-primary font-bold" if label == title else ""))
                    .mark(f"menu-{href}")
                ):
                    with ui.item_section().props("avatar"):
                        ui.icon(icon)
                    ui.item_section(label)
    with ui.column().classes("w-full max-w-7xl mx-auto p-3 sm:p-6 gap-4 min-w-0") as body:
        ui.label(title).classes("text-2xl font-bold text-stone-800")
        yield body


def show_error(error: DomainError) -> None:
    """The UI's one translation of a domain error."""
    ui.notify(error.message, type="warning")


def notifies_errors(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A page's event handler whose domain errors the person reads as a notice (`show_error`):
    the page stays as it was, nothing half-done is shown as done."""

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(*args, **kwargs)
        except DomainError as error:
            show_error(error)
            return None

    return run


# The business's time zone per open page: times are shown as the owner lives them.
_zones: weakref.WeakKeyDictionary[Client, ZoneInfo] = weakref.WeakKeyDictionary()


def when(value: datetime | None, empty: str = "—", *, zoned: bool = False) -> str:
    """A time in the business's zone; `zoned` names the zone ("2026-03-01 09:15 KST"), for
    places where an owner abroad or a support agent would otherwise have to guess."""
    if not value:
        return empty
    try:
        zone = _zones.get(context.client, UTC)
    except RuntimeError:  # outside any page
        zone = UTC
    local = value.astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M")
    return f"{text} {local.tzname() or ''}".rstrip() if zoned else text


class Debounced:
    """Run `action` once, `delay` seconds after the last of a burst of calls (live events)."""

    def __init__(self, action: Callable[[], Any], delay: float = 0.3) -> None:
        self.action = action
        self.delay = delay
        self.client = context.client
        self._pending = False

    def __call__(self, *_: Any) -> None:
        if self._pending:
            return
        self._pending = True
        background_tasks.create(self._run(), name="admin-live-refresh")

    async def _run(self) -> None:
        await asyncio.sleep(self.delay)
        self._pending = False
        if self.client.is_deleted:
            return
        with self.client:
            result = self.action()
            if inspect.isawaitable(result):
                await result


class Section:
    """A data-dependent part of a page: load (async), then draw (sync) into a container.

    Refreshes overlap in a live page (an event arrives while the owner changes a
    filter). Drawing without an await in between, and only for the newest load,
    means overlapping refreshes never interleave or show stale data.
    """

    def __init__(self, load: Callable[[], Any], draw: Callable[[Any], None], *, classes: str = "w-full") -> None:
        self.load = load
        self.draw = draw
        self.container = ui.column().classes(classes)
        self.client = context.client
        self._generation = 0

    async def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        try:
            data = await self.load()
        except DomainError as error:
            if not self.client.is_deleted:
                with self.client:
                    show_error(error)
            return
        if generation != self._generation or self.client.is_deleted or self.container.is_deleted:
            return
        self.container.clear()
        with self.container:
            self.draw(data)

    def refresh(self, *_: Any) -> None:
        background_tasks.create(self.reload(), name="admin-section-refresh")
