"""A real HTTP webhook receiver on loopback that keeps every JSON body posted to it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookReceiver:
    """``json://127.0.0.1:PORT/hook`` for Apprise; ``posts`` holds the decoded bodies."""

    def __init__(self, status: int = 200) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's method name
                length = int(self.headers.get("Content-Length", "0"))
                receiver.posts.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"
