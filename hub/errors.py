"""Domain errors: a stable code, an HTTP status and a message a person can act on.

Each transport translates these in exactly one place (problem JSON for the API,
ConnectionRefusedError for sockets, a notification in the UI).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    status = 400
    message = "Something went wrong."

    def __init__(self, message: str | None = None, **detail: Any) -> None:
        self.message = message or self.message
        self.detail = detail
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.detail}


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    message = "The request is missing something or has a wrong value."


class MalformedCode(DomainError):
    code = "malformed_code"
    status = 422
    message = "That is not a Stamphub card or voucher code. Scan again or type the card number."


class ForgedCode(DomainError):
    code = "invalid_signature"
    status = 422
    message = "This code's signature does not match. It was mistyped or forged."


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message = "Not found."


class ForeignCard(DomainError):
    code = "other_business"
    status = 403
    message = "This card belongs to another business."


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401
    message = "Sign in first."


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    message = "You are not allowed to do that."


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    message = "Too many attempts. Wait a moment and try again."


class IdempotencyReplay(DomainError):
    code = "idempotency_replayed"
    status = 409
    message = "This idempotency key was already used; nothing was changed."


class StaleCode(DomainError):
    code = "stale_code"
    status = 422
    message = (
        "This card code has expired: it changes every 30 seconds. "
        "Ask the customer to show the live card page, not a screenshot."
    )


class CannotUndo(DomainError):
    """A counter stamp that can no longer be undone; the message says why."""

    code = "cannot_undo"
    status = 409
    message = "This stamp can no longer be undone."


class SeatRevoked(Forbidden):
    """A staff seat's login was revoked: nothing it sends is applied any more."""

    code = "seat_revoked"
    message = "This staff login was revoked, so its waiting scans were not applied. Ask the owner."


class VoucherAtKiosk(DomainError):
    """A customer alone at the kiosk must not redeem: nobody would hand the reward over."""

    code = "voucher_at_kiosk"
    status = 409
    message = "Show your voucher to our staff to receive your reward."


class NeedsConnection(DomainError):
    """What only the server can decide at the moment it happens (a voucher's state)."""

    code = "needs_connection"
    status = 409
    message = "Redeeming needs the connection."
