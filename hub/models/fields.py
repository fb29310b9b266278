"""Columns whose automatic timestamps come from the product's one clock (hub/clock.py).

Tortoise's own `auto_now`/`auto_now_add` read the system clock, so a row written by a
function that compares against `hub.clock.utcnow()` could disagree with it.
"""

from typing import Any

from tortoise import fields, timezone

from hub import clock


class Timestamp(fields.DatetimeField):
    """`Timestamp(auto_now_add=True)` or `Timestamp(auto_now=True)`, stamped by the one clock."""

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if hasattr(instance, "_saved_in_db") and (
            self.auto_now or (self.auto_now_add and getattr(instance, self.model_field_name) is None)
        ):
            now = timezone.localtime(clock.utcnow())
            setattr(instance, self.model_field_name, self.to_python_value(now))
            return now
        return super().to_db_value(value, instance)
