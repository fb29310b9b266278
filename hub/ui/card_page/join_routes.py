"""/join/<template>: the page behind the poster QR, server-rendered. A name, a tap, a card.

A browser that already holds a card of this stamp card is sent to it (its page then asks
"Not you?" once); `?fresh=1` shows the form anyway, so a shared phone gets a card of its own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub import clock
from hub.api.types import IdPath
from hub.domain import joining
from hub.domain.lottery import prize_titles
from hub.errors import DomainError, InvalidInput, NotFound, RateLimited
from hub.i18n import Lang
from hub.runtime import runtime
from hub.ui.card_page.card_html import card_face
from hub.ui.card_page.html import page, page_language, same_origin
from hub.ui.card_page.join import FIELD_ERRORS, THEN, after_join
from hub.ui.card_page.remembered import remembered_token


async def _form(
    lang: Lang,
    target: joining.JoinTarget,
    *,
    then: str | None,
    fresh: bool,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    _ = lang._
    lang.timezone = target.business.timezone
    template = target.template
    path = f"/join/{template.id}"
    return page(
        "join.html",
        lang,
        title=_("Get your stamp card"),
        path=path,
        status=status,
        params={"then": then, "fresh": "1" if fresh else None},
        action=path,
        business=target.business.name,
        face=card_face(
            template.design or {},
            lang,
            stamps=0,
            stamps_required=template.stamps_required,
            reward_title=template.reward_title,
            prizes=await prize_titles(template),
        ),
        values=values or {},
        errors=errors or {},
        notice=notice,
        then=then if then and THEN.match(then) else None,
        fresh=fresh,
        today=clock.utcnow().date().isoformat(),
    )


def _missing(lang: Lang, path: str) -> HTMLResponse:
    message = lang._("This stamp card does not exist.")
    return page("message.html", lang, title=message, path=path, status=404, message=message, mark="not-found")


async def join_page(
    request: Request, template_id: IdPath, lang: str | None = None, then: str | None = None, fresh: str | None = None
) -> Response:
    target = await joining.join_target(template_id)
    language = page_language(request, lang, target.business.language if target else None)
    if target is None:
        return _missing(language, f"/join/{template_id}")
    if not fresh:
        card = await joining.returning_card(template_id, remembered_token(template_id))
        if card is not None:
            return RedirectResponse(after_join(then, card.token, returning=True), status_code=303)
    return await _form(language, target, then=then, fresh=bool(fresh))


async def join_submit(request: Request, template_id: IdPath, lang: str | None = None) -> Response:
    target = await joining.join_target(template_id)
    language = page_language(request, lang, target.business.language if target else None)
    _ = language._
    if target is None:
        return _missing(language, f"/join/{template_id}")
    if not same_origin(request):
        return Response(status_code=403)
    form = await request.form()
    values = {key: str(form.get(key) or "").strip() for key in ("name", "email", "birthday")}
    values["consent"] = bool(form.get("consent"))
    then = str(form.get("then") or "") or None
    fresh = bool(form.get("fresh"))

    async def again(status: int, *, field: str | None = None, message: str | None = None) -> HTMLResponse:
        if field is not None and field not in FIELD_ERRORS:
            field = "name"
        errors = {field: message or _(FIELD_ERRORS[field])} if field else {}
        notice = None if field else message
        return await _form(
            language, target, then=then, fresh=fresh, values=values, errors=errors, notice=notice, status=status
        )

    try:
        born = date.fromisoformat(values["birthday"]) if values["birthday"] else None
    except ValueError:
        return await again(400, field="birthday")
    rt = runtime()
    try:
        card = await joining.join(
            rt.redis,
            rt.settings.redis_prefix,
            template_id,
            ip=request.client.host if request.client else "unknown",
            name=values["name"],
            email=values["email"] or None,
            language=language.code,
            birthday=born,
            consent=values["consent"],
        )
    except joining.JoinsPaused:
        return await again(429, message=_("Please ask our staff at the counter."))
    except RateLimited:
        return await again(429, message=_("Too many sign-ups from this network. Please wait a few minutes."))
    except InvalidInput as exc:
        field = exc.detail.get("field", "name")
        return await again(400, field=field, message=None if field in FIELD_ERRORS else _(exc.message))
    except NotFound:
        return _missing(language, f"/join/{template_id}")
    except DomainError as exc:
        return await again(400, message=_(exc.message))
    return RedirectResponse(after_join(then, card.token), status_code=303)
