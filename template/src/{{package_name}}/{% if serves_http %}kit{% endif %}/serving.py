"""Serving HTTP with uvicorn, the same way for every project type that does:
GET /health for probes, an access log only when asked for, a short shutdown.

A server may drain: on SIGTERM, `draining` is set at once (the web service's
/ready then answers 503) and the server goes on serving for `drain_seconds`,
so that a load balancer stops sending it new requests before it stops
accepting them; then it shuts down, letting the requests in flight finish.
Ctrl-C, or a second signal, stops it at once.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp
from uvicorn.config import LOGGING_CONFIG

from .. import __version__
from .env import NAME

# Open streams would otherwise hold `docker stop` until the 10 s kill.
SHUTDOWN_GRACE_SECONDS = 2
# The probes' routes: never behind a token, never in the access log.
PROBES = ("/health", "/ready")
# Set by the first SIGTERM: the server is draining.
draining = threading.Event()


async def health(request: Request) -> JSONResponse:
    """GET /health: for probes, never behind a token."""
    return JSONResponse({"status": "ok", "name": NAME, "version": __version__})


class QuietHealthChecks(logging.Filter):
    """Keep the probes (every few seconds) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(f"GET {probe} " in message for probe in PROBES)


class DrainingServer(uvicorn.Server):
    """uvicorn, which on the first SIGTERM sets `draining` and serves on for
    `drain_seconds` before its graceful shutdown."""

    def __init__(self, config: uvicorn.Config, drain_seconds: float) -> None:
        super().__init__(config)
        self.drain_seconds = drain_seconds
        self.deadline: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and self.drain_seconds > 0 and self.deadline is None:
            draining.set()
            self.deadline = time.monotonic() + self.drain_seconds
            logging.getLogger(__name__).info("draining for %s s", self.drain_seconds)
            return
        draining.set()
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.should_exit = True
        return await super().on_tick(counter)


def run(
    app: ASGIApp,
    host: str,
    port: int,
    log_level: str,
    *,
    access_log: bool,
    drain_seconds: float = 0,
    log_config: dict[str, Any] | None = None,
) -> None:
    """Serve `app` until the process is stopped; a line per request when `access_log`.
    Off by default: writing it is up to a tenth of the CPU of a small request
    (docs/observability.md), and traces (OTEL_*) record each request anyway.
    `log_config` replaces uvicorn's own (logging.config.dictConfig)."""
    # http="auto": httptools (a dependency) where it installs, else h11. uvloop
    # is left out: it would add 16 MB to the image.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level.lower(),
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        access_log=access_log,
        log_config=LOGGING_CONFIG if log_config is None else log_config,
    )
    # After uvicorn.Config, which sets up uvicorn's loggers.
    logging.getLogger("uvicorn.access").addFilter(QuietHealthChecks())
    DrainingServer(config, drain_seconds).run()
