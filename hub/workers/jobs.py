"""Job functions: importable, take ids, re-read rows, call one domain function."""

from __future__ import annotations

from hub.domain import vouchers
from hub.workers.loop import run


def expire_vouchers() -> int:
    return run(vouchers.expire_vouchers)


def expire_inbox_messages() -> int:
    from hub.domain import inbox

    return run(inbox.delete_expired)


def end_expired_grace() -> int:
    from hub.domain import billing

    return run(billing.end_expired_grace)
