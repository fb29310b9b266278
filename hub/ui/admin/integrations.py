"""Integrations: API keys for POS systems and integrators (the plain key is shown once)."""

from __future__ import annotations

import contextlib

from nicegui import ui

from hub.domain.api_keys import ALL_SCOPES, create_api_key, revoke_api_key
from hub.errors import NotFound
from hub.models import ApiKey
from hub.runtime import runtime
from hub.ui.admin.frame import frame, when
from hub.ui.admin.owner_pages import Session, admin_page


@admin_page("/admin/integrations", "Integrations")
async def integrations_page(session: Session) -> None:

    @ui.refreshable
    async def keys() -> None:
        rows = await ApiKey.filter(business_id=session.business_id).order_by("-id")
        if not rows:
            ui.label("No API keys yet.").classes("text-stone-500")
        for key in rows:
            revoked = key.revoked_at is not None
            with (
                ui.row()
                .classes("w-full items-center gap-3 border-b py-2" + (" opacity-50" if revoked else ""))
                .mark(f"api-key-{key.id}")
            ):
                ui.label(key.name).classes("w-48 font-medium")
                ui.label(f"sh_{key.prefix}_…").classes("w-44 font-mono text-sm")
                ui.label(", ".join(key.scopes)).classes("w-48 text-sm")
                ui.label(f"last used {when(key.last_used_at, 'never')}").classes("text-sm text-stone-500 grow")
                if revoked:
                    ui.label(f"revoked {when(key.revoked_at)}").classes("text-sm text-red-700")
                else:
                    ui.button("Revoke", on_click=lambda k=key: revoke(k)).props("flat color=negative").mark(
                        f"revoke-key-{key.id}"
                    )

    async def revoke(key: ApiKey) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(f"Revoke the API key “{key.name}”? Systems using it stop working at once.")
            with ui.row():
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Revoke", on_click=lambda: dialog.submit(True)).props("color=negative").mark(
                    "revoke-key-confirm"
                )
        if not await dialog:
            return
        with contextlib.suppress(NotFound):  # revoked meanwhile in another tab
            await revoke_api_key(session.business_id, key.id)
        keys.refresh()

    async def create() -> None:
        label = (name.value or "").strip() or "API key"
        _, plain = await create_api_key(session.business_id, label[:120], list(scopes.value) or None)
        name.value = ""
        keys.refresh()
        with (
            ui.dialog().props("persistent") as dialog,
            ui.card().classes("w-full sm:w-[560px] max-w-full").mark("new-key-dialog"),
        ):
            ui.label("Your new API key").classes("text-lg font-bold")
            ui.label("Copy it now: it is shown only once and cannot be recovered.").classes("text-amber-900")
            ui.label(plain).classes("font-mono bg-stone-100 p-2 rounded break-all").mark("new-key")
            with ui.row():
                ui.button("Copy", icon="content_copy", on_click=lambda: ui.clipboard.write(plain))
                ui.button("Done", on_click=dialog.close).props("flat").mark("new-key-done")
        dialog.open()

    with frame(session, "Integrations"):
        with ui.card().classes("w-full"):
            ui.label("API keys").classes("text-lg font-bold")
            ui.label(
                f"Authenticate REST calls with `Authorization: Bearer <key>`. API documentation: "
                f"{runtime().settings.public_url}/api/docs"
            ).classes("text-sm text-stone-600")
            ui.link("Webhooks, delivery inserts, receipt QR and Toast POS →", "/admin/integrations/webhooks").classes(
                "text-sm"
            )
            with ui.row().classes("items-end gap-2"):
                name = ui.input("Name", placeholder="Cash register").props("outlined dense").mark("key-name")
                scopes = (
                    ui.select(ALL_SCOPES, value=list(ALL_SCOPES), multiple=True, label="Scopes")
                    .props("outlined dense use-chips")
                    .classes("w-72")
                )
                ui.button("Create API key", icon="vpn_key", on_click=create).mark("key-create")
            await keys()
    return None
