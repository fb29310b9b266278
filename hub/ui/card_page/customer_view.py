"""/admin/cards/<id>/view: the owner sees exactly the customer's card page, read-only,
now or as of any journal event."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from hub.api.types import BigIdQuery, IdPath
from hub.domain.card_view import card_for_owner
from hub.ui.admin.frame import owner_session
from hub.ui.card_page.frame import frame, not_found, page_language
from hub.ui.card_page.live_card import LiveCard

LOGIN_PATH = "/admin/login"


async def customer_view_page(
    request: Request, card_id: IdPath, as_of: BigIdQuery = None, lang: str | None = None
) -> RedirectResponse | None:
    language = page_language(request, lang)
    _ = language._
    path = f"/admin/cards/{card_id}/view"
    session = await owner_session()
    if session is None:
        target = path + (f"?as_of={as_of}" if as_of is not None else "")
        return RedirectResponse(f"{LOGIN_PATH}?next={quote(target)}", status_code=303)
    # Another business's card is "not found", never "forbidden": ids must not be probeable.
    found = await card_for_owner(session.business_id, card_id, as_of)
    if found is None:
        not_found(language, _("Not found."), path)
        return None
    card, event = found
    with frame(language, _("Customer view"), path, as_of=as_of):
        with (
            ui.row()
            .classes("w-full items-center gap-2 no-wrap bg-amber-100 text-amber-900 rounded p-2")
            .mark("read-only-banner")
        ):
            ui.icon("visibility")
            with ui.column().classes("gap-0"):
                ui.label(_("Customer view (read-only)")).classes("font-bold text-sm")
                if event is not None:
                    ui.label(_("As of {date}", date=language.datetime_text(event.created_at))).classes("text-xs").mark(
                        "as-of"
                    )
        live = LiveCard(card, language, as_of=event)
        await live.build()
    return None
