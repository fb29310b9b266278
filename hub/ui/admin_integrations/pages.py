"""/admin/integrations/webhooks: webhooks, delivery inserts, receipt QR and Toast POS on one page."""

from __future__ import annotations

from nicegui import ui

from hub.ui.admin.frame import frame
from hub.ui.admin.owner_pages import Session, admin_page
from hub.ui.admin_integrations.inserts_panel import inserts_panel
from hub.ui.admin_integrations.receipts_panel import receipts_panel
from hub.ui.admin_integrations.toast_panel import toast_panel
from hub.ui.admin_integrations.webhooks_panel import LOG_REFRESH_SECONDS, webhooks_panel

PATH = "/admin/integrations/webhooks"


@admin_page(PATH, "Integrations")
async def integrations_page(session: Session) -> None:
    with frame(session, "Integrations"):
        with ui.row().classes("gap-4 text-sm"):
            ui.link("API keys", "/admin/integrations")
            ui.link("API documentation", "/api/docs", new_tab=True)
        refresh_log = await webhooks_panel(session.business_id)
        await inserts_panel(session.business_id)
        await receipts_panel(session.business_id)
        await toast_panel(session.business_id)
    ui.timer(LOG_REFRESH_SECONDS, refresh_log)
    return None
