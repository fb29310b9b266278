"""RQ job: push a published template version to every issued card, queued by the
`template.published` event (a reaction), so a publish whose page went away still reaches them.

Progress goes two ways: `template.regeneration` events through the outbox (the
admin page listens on the business room, no polling) and `job.meta["progress"]`
for anyone holding the job id (CLI, monitoring).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rq import get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from hub.config import settings
from hub.domain import templates
from hub.realtime.reactions import reaction
from hub.workers.loop import run
from hub.workers.queue import job_queue

JOB_TIMEOUT = 3600
_RUNNING = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def _record_progress(done: int, total: int) -> None:
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = {"done": done, "total": total}
        job.save_meta()


async def _apply(business_id: int, template_id: int, version: int) -> int:
    return await templates.apply_version(business_id, template_id, version, progress=_record_progress)


def regenerate_template(business_id: int, template_id: int, version: int) -> int:
    """Returns how many cards moved to `version`."""
    return run(_apply, business_id, template_id, version)


def job_id(template_id: int, version: int) -> str:
    # RQ job keys are not namespaced by queue, so the deployment prefix keeps them apart.
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", settings().redis_prefix)
    return f"{prefix}-regenerate-{template_id}-v{version}"


def enqueue(business_id: int, template_id: int, version: int) -> Job:
    """Queue the regeneration once per (template, version): a double click never queues it twice."""
    queue = job_queue()
    ident = job_id(template_id, version)
    try:
        existing = Job.fetch(ident, connection=queue.connection)
        if existing.get_status(refresh=False) in _RUNNING:
            return existing
    except NoSuchJobError:
        pass
    return queue.enqueue(
        regenerate_template,
        business_id,
        template_id,
        version,
        job_id=ident,
        job_timeout=JOB_TIMEOUT,
        result_ttl=86400,
    )


@reaction
async def regenerate_published(events: list[dict[str, Any]]) -> None:
    for event in events:
        if event.get("type") == "template.published":
            await asyncio.to_thread(enqueue, event["business_id"], event["template_id"], event["version"])
