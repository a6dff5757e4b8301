"""A developer app on 127.0.0.1 for the sandbox to call: `AppServer`.

It answers every request at `/<kind>` (`redirect`, `notify`, `ussd`,
`rewards`...) and records it, so a test can read what the platform sent.
`answer(kind, status, headers)` changes what a kind answers; `on(kind, handler)`
runs `handler(received)` for each request of that kind (for instance, an
app that replies to USSD through the sandbox's reply API); a handler that
returns a dict answers with it as JSON (a Tropo document for `voice`). The
kind is the path's first segment, so `/voice/next` is a `voice` request
whose `path` is kept. It is a peer on the wire, not a mock: the sandbox
reaches it over real HTTP.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    kind: str
    query: dict
    body: object
    headers: dict = field(default_factory=dict)
    path: str = ""
    at: float = field(default_factory=time.monotonic)


class AppServer:
    def __init__(self):
        self.received: list[Received] = []
        self.statuses: dict[str, int] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.handlers: dict[str, Callable[[Received], None]] = {}
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                kind = parts.path.strip("/").split("/")[0]
                received = Received(self.command, kind, query, body, dict(self.headers), parts.path)
                with outer._lock:
                    outer.received.append(received)
                handler = outer.handlers.get(kind)
                answer = handler(received) if handler is not None else None
                payload = json.dumps(answer).encode() if answer is not None else b'{"status": "ok"}'
                self.send_response(outer.statuses.get(kind, 200))
                self.send_header("Content-Type", "application/json")
                for name, value in outer.headers.get(kind, {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def uri(self, kind: str) -> str:
        return f"{self.url}/{kind}"

    def uris(self) -> dict[str, str]:
        """The registration fields of an app whose every URI is this server."""
        return {
            "redirect_uri": self.uri("redirect"),
            "notify_uri": self.uri("notify"),
            "ussd_notify_uri": self.uri("ussd"),
            "rewards_uri": self.uri("rewards"),
            "voice_uri": self.uri("voice"),
        }

    def answer(self, kind: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.statuses[kind] = status
        self.headers[kind] = headers or {}

    def on(self, kind: str, handler: Callable[[Received], None]) -> None:
        self.handlers[kind] = handler

    def of(self, kind: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.kind == kind]

    def wait_for(self, kind: str, count: int = 1, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.of(kind)) < count:
            if time.monotonic() > deadline:
                got = len(self.of(kind))
                raise AssertionError(f"expected {count} {kind} request(s) within {timeout}s; {got}")
            time.sleep(0.02)
        return self.of(kind)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
