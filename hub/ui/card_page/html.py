"""Server-rendered customer pages: one Jinja2 environment, the page's language from the browser,
and the headers every such page carries.

These pages hold no NiceGUI client: a visitor costs the server nothing once the response is
sent, and the live part is one Socket.IO room membership (see static/card.js).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from hub.i18n import N_, Lang, choose, languages, supported
from hub.ui.card_page.assets import asset_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates ship with the code: no stat() per page
)
ENV.globals["asset"] = asset_url


def ltr(value: object) -> Markup:
    """Card numbers, codes and counts read left to right inside a right-to-left sentence too."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


ENV.filters["ltr"] = ltr


def translator(lang: Lang):  # noqa: ANN201
    """The templates' `_()`: a value that is already markup (`|ltr`) stays markup, the rest of
    the sentence is escaped."""

    def _(message: str, **values: object) -> str:
        if not any(isinstance(v, Markup) for v in values.values()):
            return lang._(message, **values)
        return Markup(escape(lang._(message))).format(**values)

    return _


LANGUAGE_LABEL = N_("Language")

# The card link is the customer's key: it must not leak to other sites through the Referer,
# and no other site may frame the page or run script in it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https: http:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def page_language(request: Request, requested: str | None, default: str | None = None) -> Lang:
    """?lang= (remembered for this browser), the remembered one, Accept-Language, or the
    business's own `default`."""
    session = request.session
    code = choose(
        requested=requested,
        stored=session.get("lang"),
        accept_language=request.headers.get("accept-language"),
        default=default,
    )
    if supported(requested) and session.get("lang") != code:
        session["lang"] = code
    return Lang(code)


def same_origin(request: Request) -> bool:
    """A form posted from one of our own pages: another site cannot make a visitor's browser
    join, or use a code, on its behalf."""
    origin = request.headers.get("origin")
    return not origin or origin == "null" or urlsplit(origin).netloc == request.headers.get("host")


def render(name: str, **context: Any) -> str:
    return ENV.get_template(name).render(**context)


def page(name: str, lang: Lang, *, title: str, path: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A whole page in the shared frame: phone-width column, language switcher at the foot."""
    params = {k: v for k, v in (context.pop("params", None) or {}).items() if v is not None}
    body = render(
        name,
        lang=lang,
        _=translator(lang),
        title=title,
        path=path,
        params=params,
        languages=languages(),
        language_label=lang._(LANGUAGE_LABEL),
        **context,
    )
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
