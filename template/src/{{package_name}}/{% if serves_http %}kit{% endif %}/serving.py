"""Serving HTTP with uvicorn, the same way for every project type that does:
GET /health for probes, an access log only when asked for, a short shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp
from uvicorn.config import LOGGING_CONFIG

from .. import __version__
from .access import PROBES
from .env import NAME

# Open streams would otherwise hold `docker stop` until the 10 s kill.
SHUTDOWN_GRACE_SECONDS = 2


async def health(request: Request) -> JSONResponse:
    """GET /health: for probes, never behind a token."""
    return JSONResponse({"status": "ok", "name": NAME, "version": __version__})


class QuietHealthChecks(logging.Filter):
    """Keep the probes (every few seconds) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(f"GET {probe} " in message for probe in PROBES)


def run(
    app: ASGIApp,
    host: str,
    port: int,
    log_level: str,
    *,
    access_log: bool,
    log_config: dict[str, Any] | None = None,
    server: Callable[[uvicorn.Config], uvicorn.Server] = uvicorn.Server,
) -> None:
    """Serve `app` until the process is stopped; a line per request when `access_log`.
    Off by default: writing it is up to a tenth of the CPU of a small request
    (docs/observability.md), and traces (OTEL_*) record each request anyway.
    `log_config` replaces uvicorn's own (logging.config.dictConfig); `server`
    makes the uvicorn server from its config (the web service's drains)."""
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
    server(config).run()
