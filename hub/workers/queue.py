from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from rq import Queue
from rq.job import Job

from hub.clock import utcnow
from hub.config import settings
from hub.realtime.redis import sync_redis


def default_queue(redis_url: str) -> Queue:
    return Queue(settings().queue_name, connection=sync_redis(redis_url))


def enqueue_at(q: Queue, at: datetime, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
    """Run `func` at the instant `at` of the product's clock.

    RQ's scheduler compares absolute times with the system clock; handing it the delay instead
    keeps a job due exactly as long after "now" as our clock says, whichever clock runs.
    """
    return q.enqueue_in(max(at - utcnow(), timedelta(0)), func, *args, **kwargs)
