"""A real HTTP server on 127.0.0.1 for transport-level tests of `ProviderClient`.

Each test scripts its answers (`server.reply(status, body, delay=...)`) and
reads back what was received. It is a peer on the wire, not a mock: the
client under test goes through its real session, sockets and timeouts.
"""

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandbox.client import free_port  # noqa: F401 (the suite imports it from here too)


@dataclass
class Scripted:
    status: int = 200
    body: str = "{}"
    delay: float = 0.0
    headers: dict = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


class ScriptedServer:
    def __init__(self):
        self.answers: list[Scripted] = []
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "body": body,
                        "headers": dict(self.headers),
                    }
                )
                answer = outer.answers.pop(0) if outer.answers else Scripted()
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                payload = answer.body.encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reply(self, status=200, body=None, **kwargs):
        text = body if isinstance(body, str) else json.dumps(body if body is not None else {})
        self.answers.append(Scripted(status=status, body=text, **kwargs))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
