"""The job queue: one helper every producer uses (pages, reactions, jobs, the cron process)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.job import Job

from hub.clock import utcnow
from hub.config import settings

_queues: dict[str, Queue] = {}


def redis_url() -> str:
    """The Redis the queue lives on (an embedded one is in the settings once started)."""
    url = settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set")
    return url


def job_queue(url: str | None = None) -> Queue:
    """The deployment's queue on `url` (default: `redis_url()`), one client per address.

    Producers run in thread pools beside event loops (the relay's reactions, pages' io_bound):
    a bounded socket keeps a hanging Redis from holding those threads.
    """
    url = url or redis_url()
    if url not in _queues:
        connection = Redis.from_url(url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=2, socket_timeout=5)
        _queues[url] = Queue(settings().queue_name, connection=connection)
    return _queues[url]


def enqueue_at(q: Queue, at: datetime, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
    """Run `func` at the instant `at` of the product's clock.

    RQ's scheduler compares absolute times with the system clock; handing it the delay instead
    keeps a job due exactly as long after "now" as our clock says, whichever clock runs.
    """
    return q.enqueue_in(max(at - utcnow(), timedelta(0)), func, *args, **kwargs)
