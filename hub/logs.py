"""Log lines cannot be forged: text interpolated into a log message is escaped.

Devices, customers and receivers hand us text that ends up in logs (a PassKit device's log
lines, a webhook receiver's answer, a name). A newline in it would start what looks like a
log line of our own. Every log record's string arguments have their control characters
escaped (`\\n`, `\\x1b`) when the record is made, for every logger in every process; the
message templates themselves are ours and keep their formatting.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def escape(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _escaped(value: Any) -> Any:
    return escape(value) if isinstance(value, str) else value


def install() -> None:
    """Escape the string arguments of every log record made from now on (idempotent)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "escapes_arguments", False):
        return

    def record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made = make(*args, **kwargs)
        if isinstance(made.args, tuple):
            made.args = tuple(_escaped(a) for a in made.args)
        elif isinstance(made.args, dict):
            made.args = {k: _escaped(v) for k, v in made.args.items()}
        return made

    record.escapes_arguments = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(record)
