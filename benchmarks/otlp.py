"""An OTLP/HTTP receiver, as a collector offers one, that keeps what it gets
and decodes it with the official opentelemetry-proto messages: where the
generated server's image sends its traces and metrics in the load benchmark's
traced mode and in the Docker tier (no collector image can be pulled here)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


class Received:
    """The request bodies, by path (/v1/traces, /v1/metrics, /v1/logs)."""

    def __init__(self) -> None:
        self.bodies: dict[str, list[bytes]] = {}

    def everything(self) -> bytes:
        return b"".join(body for bodies in self.bodies.values() for body in bodies)

    def resource_spans(self) -> Iterator[Any]:
        for body in self.bodies.get("/v1/traces", []):
            yield from ExportTraceServiceRequest.FromString(body).resource_spans

    def span_names(self) -> set[str]:
        return {
            span.name
            for each in self.resource_spans()
            for scope in each.scope_spans
            for span in scope.spans
        }

    def service_names(self) -> set[str]:
        return {
            attribute.value.string_value
            for each in self.resource_spans()
            for attribute in each.resource.attributes
            if attribute.key == "service.name"
        }

    def metric_names(self) -> set[str]:
        return {
            metric.name
            for body in self.bodies.get("/v1/metrics", [])
            for resource in ExportMetricsServiceRequest.FromString(body).resource_metrics
            for scope in resource.scope_metrics
            for metric in scope.metrics
        }


def bridge_gateway(docker: str) -> str:
    """The address of the Docker engine's default network on this machine: a
    container reaches a receiver listening there. Engines that assign the
    network's addresses themselves (Debian's 20.10) list only its subnet; the
    gateway is then the subnet's first address, as they assign it."""
    result = subprocess.run(
        [docker, "network", "inspect", "bridge", "--format", "{{json (index .IPAM.Config 0)}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    config = json.loads(result.stdout)
    return config.get("Gateway") or str(ipaddress.ip_network(config["Subnet"])[1])


@contextlib.contextmanager
def receiver(host: str) -> Iterator[tuple[str, Received]]:
    """Listening on host (a free port); its endpoint URL and what it got."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.bodies.setdefault(self.path, []).append(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # no line per export in the test output

    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
