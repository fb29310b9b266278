"""REST API: thin adapters over hub.domain."""

from fastapi import APIRouter

from hub.api import billing, cards, health, integrations, passkit, scans, unsubscribe

router = APIRouter()
for versioned in (cards, scans, integrations, unsubscribe):
    router.include_router(versioned.router, prefix="/api/v1")
for unversioned in (health, billing, passkit):
    router.include_router(unversioned.router)
