"""`stamphub` command: run, serve, worker, migrate, seed-demo."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import signal
import sys
import time

from hub import db
from hub.config import settings, use_redis


def _migrate() -> list[str]:
    return asyncio.run(db.migrate(settings().database_url))


def _seed(history_days: int) -> dict:
    from hub.domain.demo import seed_demo

    async def go() -> dict:
        await db.connect(settings().database_url)
        try:
            conf = settings()
            return await seed_demo(conf.secret_key, conf.public_url, history_days=history_days)
        finally:
            await db.close()

    return asyncio.run(go())


HISTORY_HELP = "days of demo activity generated when the demo business is first created (0: none)"


def cmd_migrate(_: argparse.Namespace) -> None:
    applied = _migrate()
    print(json.dumps({"applied": applied}))


def cmd_seed_demo(args: argparse.Namespace) -> None:
    print(json.dumps(_seed(args.history), indent=2))


def _embedded_redis_if_needed():
    if settings().redis_url:
        return None
    from hub.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(settings().data_dir)
    use_redis(redis.url)
    return redis


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    embedded = _embedded_redis_if_needed()
    try:
        from hub.app import build_app

        app = build_app(settings().redis_url)
        # Everything built so far lives as long as the process: out of the collector's sight.
        # Young collections run less often, so fewer pauses land on the scan path.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        # Engine.IO pings every socket itself; WebSocket-level pings on top cost CPU per socket.
        uvicorn.run(app, host=args.host, port=settings().port, log_level=args.log_level, ws_ping_interval=None)
    finally:
        if embedded:
            embedded.stop()


def cmd_worker(args: argparse.Namespace) -> None:
    from hub.realtime.redis import sync_redis
    from hub.workers.queue import job_queue
    from hub.workers.worker import Worker

    embedded = _embedded_redis_if_needed()
    try:
        url = settings().redis_url
        worker = Worker([job_queue(url)], connection=sync_redis(url), commands=not args.burst)
        worker.work(burst=args.burst, with_scheduler=not args.burst)
    finally:
        if embedded:
            embedded.stop()


def _banner(demo: dict, embedded: bool) -> str:
    conf = settings()
    urls, admin = demo["urls"], demo["admin"]
    logins = ", ".join(f"{s['login']} / {s['password']}" for s in demo["staff"])
    database = "SQLite" if conf.database_url.startswith("sqlite") else "PostgreSQL"
    return (
        f"\nStamphub is running ({database}, {'embedded Redis' if embedded else 'Redis'})\n"
        f"  Admin console: {urls['admin']}   login {admin['email']} / {admin['password']}\n"
        f"  Staff scanner: {urls['scanner']}   logins {logins}\n"
        f"  Kiosk:         {urls['kiosk']}\n"
        f"  Demo card:     {urls['card']}\n"
        f"  Join page:     {urls['join']}\n"
        f"  API docs:      {conf.public_url}/api/docs   API key {demo['api_key']}\n"
    )


def cmd_cron(_: argparse.Namespace) -> None:
    from hub.realtime.redis import sync_redis
    from hub.workers.cron import build_scheduler

    embedded = _embedded_redis_if_needed()
    try:
        build_scheduler(sync_redis(settings().redis_url), settings().queue_name).start()
    finally:
        if embedded:
            embedded.stop()


def cmd_run(args: argparse.Namespace) -> None:
    from hub.supervisor import Supervisor

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    _migrate()
    # Redis first: the demo's history sends wallet notices, which are queued there.
    embedded = _embedded_redis_if_needed()
    demo = _seed(args.history)
    supervisor = Supervisor(
        {
            name: [sys.executable, "-m", "hub.cli", *command]
            for name, command in (("web", ["serve", "--host", args.host]), ("worker", ["worker"]), ("cron", ["cron"]))
        },
        env={**os.environ},
    )
    stopped: list[bool] = []

    def stop(*_: object) -> None:
        if stopped:
            return
        stopped.append(True)
        supervisor.stop()
        if embedded:
            embedded.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        supervisor.start()
        print(_banner(demo, embedded is not None), flush=True)
        while True:
            supervisor.tend()
            time.sleep(0.5)
    finally:
        stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="stamphub", description="Stamphub loyalty stamp cards")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate, seed the demo, start web + worker (embedded Redis if none)")
    run.add_argument("--host", default="0.0.0.0")
    run.add_argument("--history", type=int, default=90, metavar="DAYS", help=HISTORY_HELP)
    run.set_defaults(func=cmd_run)
    serve = sub.add_parser("serve", help="start one web process")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="start an RQ worker")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("cron", help="enqueue recurring jobs (one per deployment)").set_defaults(func=cmd_cron)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    seed = sub.add_parser("seed-demo", help="create the demo business; print logins as JSON")
    seed.add_argument("--history", type=int, default=90, metavar="DAYS", help=HISTORY_HELP)
    seed.set_defaults(func=cmd_seed_demo)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
