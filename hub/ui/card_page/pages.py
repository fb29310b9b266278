"""Public customer pages: /c/<token> (the live card), /join/<template> (+ its poster), /fairness
and /i/<code> (delivery inserts and receipt QR codes) are server-rendered (`card_routes.py`,
`join_routes.py`, `fairness_routes.py`, `hub/ui/inserts/insert_routes.py`); the admin's
read-only replica /admin/cards/<id>/view is a NiceGUI page."""

from __future__ import annotations

from nicegui import app, ui

from hub.ui.card_page import card_routes, fairness_routes, join_routes
from hub.ui.card_page.assets import serve_asset
from hub.ui.card_page.customer_view import customer_view_page
from hub.ui.card_page.poster import poster
from hub.ui.inserts import insert_routes


def register() -> None:
    route = app.add_api_route
    route("/pub/{name}", serve_asset, methods=["GET"], include_in_schema=False)
    route("/c/{token}", card_routes.card_page, methods=["GET"], include_in_schema=False)
    route("/c/{token}/state", card_routes.card_state, methods=["GET"], include_in_schema=False)
    route("/c/{token}/code", card_routes.card_code, methods=["GET"], include_in_schema=False)
    route("/c/{token}/draws/{draw_id}/reveal", card_routes.reveal, methods=["POST"], include_in_schema=False)
    route("/c/{token}/inbox/{message_id}/read", card_routes.read_message, methods=["POST"], include_in_schema=False)
    route("/c/{token}/push", card_routes.push_subscribe, methods=["POST"], include_in_schema=False)
    route("/c/{token}/push", card_routes.push_unsubscribe, methods=["DELETE"], include_in_schema=False)
    route("/card-sw.js", card_routes.service_worker, methods=["GET"], include_in_schema=False)
    route("/join/{template_id}", join_routes.join_page, methods=["GET"], include_in_schema=False)
    route("/join/{template_id}", join_routes.join_submit, methods=["POST"], include_in_schema=False)
    route("/join/{template_id}/poster.{fmt}", poster, methods=["GET"], include_in_schema=False)
    route("/fairness", fairness_routes.fairness_page, methods=["GET"], include_in_schema=False)
    route("/i/{code}", insert_routes.insert_page, methods=["GET"], include_in_schema=False)
    route("/i/{code}", insert_routes.insert_submit, methods=["POST"], include_in_schema=False)
    ui.page("/admin/cards/{card_id}/view", title="Customer view")(customer_view_page)
