from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone(name: str | None) -> ZoneInfo:
    """A business's time zone; a missing or unknown name is UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except Exception:
        return ZoneInfo("UTC")
