"""OpenTelemetry traces, metrics and logs: off until an exporter is
configured, by the standard variables only, so that any collector or
backend works as its own docs say.

    OTEL_EXPORTER_OTLP_ENDPOINT   where OTLP goes, e.g. http://collector:4318;
                                  set alone, it turns on OTLP traces and metrics
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (and _METRICS_, _LOGS_)
                                  one signal's own URL; set alone, it turns
                                  that signal on over OTLP
    OTEL_TRACES_EXPORTER          otlp, console or none
    OTEL_METRICS_EXPORTER         otlp, prometheus, console or none
    OTEL_LOGS_EXPORTER            otlp, console or none
    OTEL_EXPORTER_OTLP_PROTOCOL   http/protobuf (the exporter installed)
    OTEL_SERVICE_NAME             default: the project's name
    OTEL_RESOURCE_ATTRIBUTES      key=value,... on every span, metric and log
    OTEL_EXPORTER_PROMETHEUS_HOST, OTEL_EXPORTER_PROMETHEUS_PORT
                                  the Prometheus endpoint (127.0.0.1:9464)
    OTEL_SDK_DISABLED             true: off, whatever else is set

Off, the SDK is never imported and the program starts as fast as without
it. The console exporters write to stderr, so a program that speaks on
stdout keeps it for that alone. `instrument` adds a span per HTTP request,
around any the program's own framework makes. Standard library only at
import, like env.py: settings are checked before anything heavy is imported.
"""

from __future__ import annotations

import atexit
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .access import PROBES
from .env import NAME, ConfigError, check_port_free, choice, flag, port, text, url

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXPORTERS = {
    "traces": ("otlp", "console", "none"),
    "metrics": ("otlp", "prometheus", "console", "none"),
    "logs": ("otlp", "console", "none"),
}
# The probes ask every few seconds: a span for each would drown the requests.
# A comma-separated list of patterns.
NOT_TRACED = ",".join(f"{probe}$" for probe in PROBES)


def resource_attributes(env: Mapping[str, str], name: str) -> tuple[tuple[str, str], ...]:
    """key=value pairs separated by commas, as the OpenTelemetry spec writes them."""
    pairs = []
    for item in (part.strip() for part in env.get(name, "").split(",")):
        if not item:
            continue
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise ConfigError(f"{name} must be key=value pairs separated by commas (got {item!r})")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class TelemetrySettings:
    """Which signals go where; every exporter "none" means off."""

    traces: str = "none"
    metrics: str = "none"
    logs: str = "none"
    service_name: str = NAME
    resource: tuple[tuple[str, str], ...] = ()
    prometheus_host: str = "127.0.0.1"
    prometheus_port: int = 9464

    @property
    def enabled(self) -> bool:
        return any(exporter != "none" for exporter in (self.traces, self.metrics, self.logs))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelemetrySettings:
        if flag(env, "OTEL_SDK_DISABLED"):
            return cls()
        # An endpoint alone turns OTLP on for traces and metrics, as the spec's
        # defaults do, and a signal's own endpoint turns that signal on; without
        # one, nothing is on until an exporter is named. Logs go over OTLP only
        # when asked for (by name or by their own endpoint).
        shared = url(env, "OTEL_EXPORTER_OTLP_ENDPOINT")
        defaults = {
            signal: "otlp"
            if url(env, f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT")
            or (shared and signal != "logs")
            else "none"
            for signal in EXPORTERS
        }
        choice(env, "OTEL_EXPORTER_OTLP_PROTOCOL", ("http/protobuf",), "http/protobuf")
        chosen = {
            signal: choice(env, f"OTEL_{signal.upper()}_EXPORTER", allowed, defaults[signal])
            for signal, allowed in EXPORTERS.items()
        }
        return cls(
            traces=chosen["traces"],
            metrics=chosen["metrics"],
            logs=chosen["logs"],
            service_name=text(env, "OTEL_SERVICE_NAME", NAME),
            resource=resource_attributes(env, "OTEL_RESOURCE_ATTRIBUTES"),
            prometheus_host=text(env, "OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
            prometheus_port=port(env, "OTEL_EXPORTER_PROMETHEUS_PORT", 9464),
        )


@dataclass
class Telemetry:
    """The providers built for the settings, before and after `install`."""

    tracer_provider: Any = None
    meter_provider: Any = None
    logger_provider: Any = None

    @property
    def providers(self) -> list[Any]:
        return [p for p in (self.tracer_provider, self.meter_provider, self.logger_provider) if p]

    def shutdown(self) -> None:
        """Flush what is buffered and stop exporting; once."""
        providers = self.providers
        self.tracer_provider = self.meter_provider = self.logger_provider = None
        for provider in providers:
            provider.shutdown()


def build(settings: TelemetrySettings, version: str) -> Telemetry:
    """The SDK's providers for the settings; nothing global is set yet."""
    from opentelemetry.sdk.resources import Resource

    resource = Resource.create(
        {"service.name": settings.service_name, "service.version": version}
        | dict(settings.resource)
    )
    built = Telemetry()
    if settings.traces != "none":
        built.tracer_provider = _tracer_provider(settings.traces, resource)
    if settings.metrics != "none":
        built.meter_provider = _meter_provider(settings, resource)
    if settings.logs != "none":
        built.logger_provider = _logger_provider(settings.logs, resource)
    return built


def _tracer_provider(exporter_name: str, resource: Any) -> Any:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    if exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter: Any = OTLPSpanExporter()
    else:
        exporter = ConsoleSpanExporter(out=sys.stderr)
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def _meter_provider(settings: TelemetrySettings, resource: Any) -> Any:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import (
        ConsoleMetricExporter,
        MetricReader,
        PeriodicExportingMetricReader,
    )

    reader: MetricReader
    if settings.metrics == "prometheus":
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        from prometheus_client import start_http_server

        start_http_server(settings.prometheus_port, settings.prometheus_host)
        reader = PrometheusMetricReader()
    elif settings.metrics == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        reader = PeriodicExportingMetricReader(OTLPMetricExporter())
    else:
        reader = PeriodicExportingMetricReader(ConsoleMetricExporter(out=sys.stderr))
    return MeterProvider(resource=resource, metric_readers=[reader])


def _logger_provider(exporter_name: str, resource: Any) -> Any:
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, ConsoleLogRecordExporter

    if exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

        exporter: Any = OTLPLogExporter()
    else:
        exporter = ConsoleLogRecordExporter(out=sys.stderr)
    provider = LoggerProvider(resource=resource)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    return provider


class WithTraceIds(logging.Formatter):
    """A log handler's own format, plus the active span's ids, so that a log
    line leads to its trace: `... trace_id=<32 hex> span_id=<16 hex>`."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        from opentelemetry import trace

        line = self.inner.format(record)
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line += f" trace_id={context.trace_id:032x} span_id={context.span_id:016x}"
        return line


def install(built: Telemetry) -> None:
    """Make the providers the process's own; flush them at exit."""
    from opentelemetry import metrics, trace

    if built.tracer_provider:
        trace.set_tracer_provider(built.tracer_provider)
        for handler in logging.getLogger().handlers:
            if not isinstance(handler.formatter, WithTraceIds):
                handler.setFormatter(WithTraceIds(handler.formatter))
    if built.meter_provider:
        metrics.set_meter_provider(built.meter_provider)
    if built.logger_provider:
        from opentelemetry.sdk._logs import LoggingHandler

        handler = LoggingHandler(logger_provider=built.logger_provider)
        logging.getLogger().addHandler(handler)
    atexit.register(built.shutdown)


def check_ports_free(settings: TelemetrySettings) -> None:
    """Refuse a busy Prometheus port before serving, as the server's own."""
    if settings.metrics == "prometheus":
        variable = "OTEL_EXPORTER_PROMETHEUS_PORT"
        check_port_free(settings.prometheus_host, settings.prometheus_port, variable)


# What start installed: the process's own, flushed when it stops.
_running = Telemetry()


def start(settings: TelemetrySettings, version: str) -> None:
    """Build and install what the settings ask for; nothing when off."""
    global _running
    if settings.enabled:
        _running = build(settings, version)
        install(_running)


def stop() -> None:
    """Flush and stop what start installed (a second call does nothing)."""
    _running.shutdown()


def instrument(app: ASGIApp, settings: TelemetrySettings) -> ASGIApp:
    """The app with a span and the HTTP metrics for each request, when on,
    and everything flushed when the server shuts down."""
    if not settings.enabled:
        return app
    if settings.traces != "none" or settings.metrics != "none":
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        app = OpenTelemetryMiddleware(app, excluded_urls=NOT_TRACED)
    return FlushAtShutdown(app)


class FlushAtShutdown:
    """Flush before the server's shutdown completes: uvicorn ends a process
    stopped by SIGTERM by raising the signal again, which skips atexit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def flush_then_send(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                stop()
            await send(message)

        await self.app(scope, receive, flush_then_send)
