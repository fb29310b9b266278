"""Registers every surface's pages (called once per app; tests call it per simulated app)."""

import importlib

from hub.ui.admin import owner_pages

SURFACES = [
    "hub.ui.admin.pages",
    "hub.ui.admin_campaigns.pages",
    "hub.ui.card_page.pages",
    "hub.ui.scanner.pages",
]
# Surfaces made of owner pages only: importing them declares their pages.
OWNER_SURFACES = ["hub.ui.billing.pages", "hub.ui.admin_integrations.pages"]


def register() -> None:
    for surface in SURFACES:
        importlib.import_module(surface).register()
    for surface in OWNER_SURFACES:
        importlib.import_module(surface)
    owner_pages.register()
