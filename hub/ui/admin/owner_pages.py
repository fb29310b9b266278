"""The owner's pages: `@admin_page(path, title)` opens the signed-in owner's session for the page
(a browser without one goes to sign-in) and registers the page with every other owner page."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from hub.ui.admin.frame import Session, owner_session, to_login

Page = Callable[..., Awaitable[Any]]

_pages: list[tuple[str, str | None, Page]] = []


def admin_page(path: str, title: str | None = None) -> Callable[[Page], Page]:
    """`build(session, **path and query parameters)` runs only for a signed-in owner."""

    def decorate(build: Page) -> Page:
        signature = inspect.signature(build, eval_str=True)
        parameters = list(signature.parameters.values())[1:]  # the session is ours to give

        @functools.wraps(build)
        async def page(*args: Any, **kwargs: Any) -> Any:
            session = await owner_session()
            if session is None:
                return to_login()
            return await build(session, *args, **kwargs)

        page.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        _pages.append((path, title, page))
        return build

    return decorate


def register() -> None:
    """Called per app, after every module declaring owner pages was imported. Fixed paths go
    first: `/admin/campaigns/new` must not be taken for a campaign's id."""
    for path, title, page in sorted(_pages, key=lambda entry: "{" in entry[0]):
        ui.page(path, title=f"{title} · Stamphub" if title else None)(page)


__all__ = ["Session", "admin_page", "register"]
