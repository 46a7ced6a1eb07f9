"""Slow tier: `just dev` in the installed web service serves each save of
app.py, restarting the service without a traceback (uvicorn raises
KeyboardInterrupt again after a Ctrl-C shutdown, which the service ends
quietly), and Ctrl-C ends it the same way."""

from __future__ import annotations

import json
import os
import signal
import urllib.error
import urllib.request

from commands import free_port, just_dev, until, wait_for_url
from documented import install_group
from questions import effective

WEB = {"project_type": "web_service"}
pytestmark = install_group(**WEB)


def greeting(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            message: str = json.load(response)["message"]
            return message
    except (urllib.error.URLError, ConnectionError):
        return None  # restarting


def test_just_dev_restarts_the_service_on_each_save_without_a_traceback(installed, tmp_path):
    project = installed(**WEB)
    app = project.root / "src" / effective(**WEB)["package_name"] / "app.py"
    original = app.read_text(encoding="utf-8")
    port = free_port()
    log = tmp_path / "dev.log"
    process = just_dev(project.root, {**project.env, "SERVICE_PORT": str(port)}, log)
    url = f"http://127.0.0.1:{port}/hello/Ada"
    try:
        wait_for_url(f"http://127.0.0.1:{port}/health", process)
        assert greeting(url) == "Hello, Ada!"
        for word in ("Howdy", "Hi"):
            app.write_text(original.replace('"Hello, {name}!"', f'"{word}, {{name}}!"'))
            wanted = f"{word}, Ada!"
            until(lambda want=wanted: greeting(url) == want or None, 30, log.read_text)
    finally:
        app.write_text(original, encoding="utf-8")
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
    said = log.read_text()
    assert said.count("restarting") == 2, said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
