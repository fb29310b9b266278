"""`stamphub run`'s children (web, worker, cron) kept running: a child that exits is started
again after a back-off (1 s, doubling up to 30 s; back to 1 s once a child has run for a
minute), and each exit and restart is logged. `stop()` ends them all, once."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("stamphub.run")

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
STEADY = 60.0  # seconds a child must run before its back-off starts over
STOP_TIMEOUT = 10.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = FIRST_DELAY
    restart_at: float | None = None
    restarts: int = 0


@dataclass
class Supervisor:
    commands: dict[str, list[str]]
    env: dict[str, str]
    clock: Callable[[], float] = time.monotonic
    children: list[Child] = field(default_factory=list)
    stopping: bool = False

    def start(self) -> None:
        self.children = [Child(name, argv) for name, argv in self.commands.items()]
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        # Own sessions: a Ctrl-C reaches only the supervisor, which stops each child once.
        child.process = subprocess.Popen(child.argv, env=self.env, start_new_session=True)
        child.started = self.clock()
        child.restart_at = None

    def tend(self) -> None:
        """One round: note children that exited, start those whose back-off is over."""
        if self.stopping:
            return
        now = self.clock()
        for child in self.children:
            assert child.process is not None
            if child.restart_at is None:
                code = child.process.poll()
                if code is None:
                    continue
                if now - child.started >= STEADY:
                    child.delay = FIRST_DELAY
                child.restart_at = now + child.delay
                log.warning("%s exited with code %s; restarting in %.0f s", child.name, code, child.delay)
                child.delay = min(MAX_DELAY, child.delay * 2)
            elif now >= child.restart_at:
                child.restarts += 1
                self._spawn(child)
                log.warning("%s restarted (pid %s, restart %d)", child.name, child.process.pid, child.restarts)

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = self.clock() + STOP_TIMEOUT
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - self.clock()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
