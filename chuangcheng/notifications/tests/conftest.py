"""Fixtures of the notification tests: tasks run inline, and a local HTTP server stands in for a webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Enqueued tasks run at once, in the test's thread and database transaction."""
    settings.TASKS = IMMEDIATE


@dataclass
class Webhook:
    url: str
    answer: bytes = b'{"errcode": 0}'
    status: int = 200
    received: list[dict] = field(default_factory=list)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON-receiving HTTP server on 127.0.0.1 (any free port), run in a thread."""
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.received.append(
                {"path": self.path, "content_type": self.headers["Content-Type"], "json": json.loads(body)}
            )
            self.send_response(hook.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(hook.answer)

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()
    thread.join()


def notify_now(django_capture_on_commit_callbacks, **kwargs):
    """notify() as a committing caller sees it: the on-commit delivery runs before this returns."""
    from chuangcheng.notifications.services import notify

    with django_capture_on_commit_callbacks(execute=True):
        return notify(**kwargs)
