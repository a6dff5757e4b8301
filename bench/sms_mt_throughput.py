"""How many SMS MT requests per second the Globe Labs sandbox answers on this machine.

It starts its own sandbox (a subprocess with a fresh database), registers an
app whose wallet is deep enough, grants each client a subscriber and a token,
then measures, for `--seconds` each:

0. `reference`: the same Session loop against a trivial HTTP server (in its
   own process, answering 201 at once): the ceiling of such a client here;
1. `session`: one `requests.Session` loop, the way Hatid's ProviderClient
   sends;
2. `raw`: `--processes` client processes, each a keep-alive `http.client`
   connection in a loop, the lightest real HTTP client, to find what the
   sandbox itself can answer when the client costs little.

Every request carries a fresh clientCorrelator and must be answered 201. It
prints req/s and latency percentiles per phase, and checks that the sandbox
recorded exactly as many deliveries as it answered 201 for.

    .venv/bin/python bench/sms_mt_throughput.py [--seconds 10] [--processes 3]
"""

import argparse
import http.client
import http.server
import json
import multiprocessing
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from sandbox.client import SandboxControl, SandboxProcess  # noqa: E402

APP = {"app_id": "bench", "app_secret": "bench-secret", "shortcode": "21589999"}


def _body(number: str) -> bytes:
    return json.dumps(
        {
            "outboundSMSMessageRequest": {
                "clientCorrelator": uuid.uuid4().hex,
                "senderAddress": "9999",
                "outboundSMSTextMessage": {"message": "Your code is 123456"},
                "address": number,
            }
        }
    ).encode()


class _Trivial(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two sends

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def _serve_trivial(port: int) -> None:
    http.server.ThreadingHTTPServer(("127.0.0.1", port), _Trivial).serve_forever()


def reference(seconds: float) -> tuple[int, int, list]:
    from sandbox.client import free_port

    port = free_port()
    server = multiprocessing.get_context("fork").Process(target=_serve_trivial, args=(port,))
    server.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        return session_loop(f"http://127.0.0.1:{port}", "x", "09170000000", seconds)
    finally:
        server.terminate()
        server.join()


def session_loop(url: str, token: str, number: str, seconds: float) -> tuple[int, int, list]:
    session = requests.Session()
    target = f"{url}/smsmessaging/v1/outbound/9999/requests?access_token={token}"
    headers = {"Content-Type": "application/json"}
    ok = failed = 0
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = session.post(target, data=_body(number), headers=headers, timeout=10)
        latencies.append(time.perf_counter() - started)
        if response.status_code == 201:
            ok += 1
        else:
            failed += 1
    return ok, failed, latencies


def raw_loop(args) -> tuple[int, int, list]:
    port, token, number, start_at, seconds = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    path = f"/smsmessaging/v1/outbound/9999/requests?access_token={token}"
    headers = {"Content-Type": "application/json"}
    ok = failed = 0
    latencies = []
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("POST", path, body=_body(number), headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status == 201:
            ok += 1
        else:
            failed += 1
    connection.close()
    return ok, failed, latencies


def report(name: str, results: list[tuple[int, int, list]], seconds: float) -> int:
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"{name:<34} {ok / seconds:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
        f"   ({ok} answered 201, {failed} not)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=3)
    options = parser.parse_args()

    report("reference: 1 Session, trivial server", [reference(options.seconds)], options.seconds)
    with SandboxProcess() as sandbox:
        control = SandboxControl(sandbox.url)
        control.register_app(**APP, wallet_balance="100000000.00")
        numbers = [f"0917{5550000 + i:07d}" for i in range(options.processes + 1)]
        tokens = [control.grant(APP["app_id"], n)["access_token"] for n in numbers]
        print(f"sandbox at {sandbox.url}; {options.seconds:.0f} s per phase")

        # Warm up (imports, caches, SQLite pages), then measure.
        session_loop(sandbox.url, tokens[0], numbers[0], 1.0)
        before = len(control.deliveries("sms"))
        answered = report(
            "session: 1 requests.Session",
            [session_loop(sandbox.url, tokens[0], numbers[0], options.seconds)],
            options.seconds,
        )
        start_at = time.time() + 0.5
        jobs = [
            (sandbox.port, tokens[i + 1], numbers[i + 1], start_at, options.seconds)
            for i in range(options.processes)
        ]
        with multiprocessing.get_context("fork").Pool(options.processes) as pool:
            results = pool.map(raw_loop, jobs)
        answered += report(
            f"raw: {options.processes} http.client processes", results, options.seconds
        )
        recorded = len(control.deliveries("sms")) - before
        print(f"deliveries recorded: {recorded} (answered 201: {answered})")
        if recorded != answered:
            sys.exit("the sandbox recorded a different number of deliveries than it answered")


if __name__ == "__main__":
    main()
