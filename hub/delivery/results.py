"""What every channel adapter returns."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("push", "email", "messenger")
MESSENGER_HINTS = ("whatsapp", "telegram", "viber")


@dataclass(frozen=True)
class SendResult:
    """`ok`: the far end accepted the message. Otherwise `permanent` says whether retrying can
    help (a 550 on RCPT, an unknown messenger contact) or not (a timeout, a 451, a 503)."""

    ok: bool
    permanent: bool = False
    code: int | None = None
    detail: str = ""

    @classmethod
    def accepted(cls, detail: str = "") -> SendResult:
        return cls(True, detail=detail)

    @classmethod
    def transient(cls, detail: str, code: int | None = None) -> SendResult:
        return cls(False, permanent=False, code=code, detail=detail[:255])

    @classmethod
    def bounced(cls, detail: str, code: int | None = None) -> SendResult:
        return cls(False, permanent=True, code=code, detail=detail[:255])
