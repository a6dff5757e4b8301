"""An HTTP load generator cheap enough to saturate gunicorn on a 2-core machine.

Several processes (forked), each with threads writing pre-built request
bytes on blocking sockets: nothing is parsed but the status line and the
Content-Length (blocking sockets cost about a third of the CPU of asyncio
streams here, ~130 us against ~420 us a request on this machine).
gunicorn's sync workers close the connection after every answer (they do
no keep-alive), so each request is its own connection, as a platform's
callbacks would be.

- `closed_loop`: `concurrency` requests in flight per process, each sent as
  soon as the previous one is answered; gives the peak.
- `open_loop`: requests at fixed times (a fixed rate split across the
  processes), sent whether or not earlier ones were answered; latency is
  counted from the scheduled time, so a stall shows in the tail instead of
  silently slowing the generator down (no coordinated omission).

Each process reports its answers (status, latency) and its own CPU time, the
generator's cost on the shared machine.

In a closed loop the work comes as units, `(bodies, messages, distinct)`:
bodies sent in order by the same sender (both parts of a multipart SMS, so a
run stopped on time never leaves half a message behind), and what the unit
adds to the count of distinct messages and distinct requests, summed over
the units that were sent (a repeat adds nothing).
"""

from __future__ import annotations

import multiprocessing
import resource
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Target:
    url: str  # the full URL to POST to

    def request(self, body: bytes) -> bytes:
        parts = urlsplit(self.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/json\r\nUser-Agent: GlobeLabs\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        return head.encode() + body

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname, parts.port or 80


@dataclass
class Report:
    statuses: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)  # seconds, of the 2xx answers
    sent: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    late_starts: int = 0  # open loop: sent more than 10 ms after the scheduled time
    messages: int = 0  # closed loop: distinct messages in the units sent
    distinct: int = 0  # closed loop: distinct requests in the units sent

    def merge(self, other: Report) -> None:
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.latencies += other.latencies
        self.sent += other.sent
        self.cpu_seconds += other.cpu_seconds
        self.wall_seconds = max(self.wall_seconds, other.wall_seconds)
        self.late_starts += other.late_starts
        self.messages += other.messages
        self.distinct += other.distinct


def _exchange(address: tuple[str, int], data: bytes, timeout: float) -> int:
    """Send one request on a new connection; its status, or -1 on a socket error."""
    try:
        with socket.create_connection(address, timeout=timeout) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(data)
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = sock.recv(65536)
                if not chunk:
                    return -1
                received += chunk
            head, _, rest = received.partition(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            while len(rest) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    return -1
                rest += chunk
            return status
    except (OSError, ValueError, IndexError):
        return -1


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _record(report: Report, lock: threading.Lock, status: int, latency: float) -> None:
    with lock:
        report.sent += 1
        report.statuses[status] = report.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            report.latencies.append(latency)


def _finish(report: Report, sender, threads: int, zero: float, cpu0: float) -> Report:
    """Run `sender` on `threads` threads to the end; the report, timed from `zero`
    (a `perf_counter` reading) and from `cpu0` (a `_cpu` reading)."""
    workers = [threading.Thread(target=sender) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    report.wall_seconds = time.perf_counter() - zero
    report.cpu_seconds = _cpu() - cpu0
    return report


def _closed(target: Target, units, concurrency: int, seconds: float, start_at: float) -> Report:
    address = target.address
    report, lock = Report(), threading.Lock()
    units = iter(units)
    time.sleep(max(0.0, start_at - time.time()))
    cpu0, began = _cpu(), time.perf_counter()
    deadline = began + seconds

    def sender():
        while time.perf_counter() < deadline:
            with lock:
                unit = next(units, None)
                if unit is None:
                    return
                bodies, messages, distinct = unit
                report.messages += messages
                report.distinct += distinct
            for body in bodies:
                t0 = time.perf_counter()
                status = _exchange(address, target.request(body), 30)
                _record(report, lock, status, time.perf_counter() - t0)

    return _finish(report, sender, concurrency, began, cpu0)


def _open(target: Target, schedule, start_at: float, threads: int) -> Report:
    """`schedule`: (offset seconds from the start, request bytes), in order. Each
    of `threads` senders takes the next request, waits for its time, sends it."""
    address = target.address
    report, lock = Report(), threading.Lock()
    pending = iter(schedule)
    time.sleep(max(0.0, start_at - time.time() - 0.05))
    cpu0 = _cpu()
    zero = time.perf_counter() + (start_at - time.time())

    def sender():
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            offset, data = item
            when = zero + offset
            delay = when - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.01:
                with lock:
                    report.late_starts += 1
            status = _exchange(address, data, 30)
            _record(report, lock, status, time.perf_counter() - when)

    return _finish(report, sender, threads, zero, cpu0)


def _child(conn, fn, args):
    conn.send(fn(*args))
    conn.close()


def _run(jobs) -> Report:
    """Run each (coroutine function, args) in its own forked process."""
    from django.db import connections

    connections.close_all()  # never share a database socket with a child
    ctx = multiprocessing.get_context("fork")
    children = []
    for fn, args in jobs:
        parent, child = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
        process.start()
        children.append((process, parent))
    total = Report()
    for process, parent in children:
        total.merge(parent.recv())
        process.join()
    return total


def closed_loop(target: Target, unit_streams, concurrency: int, seconds: float) -> Report:
    """One process per entry of `unit_streams` (iterables of units), each with
    `concurrency` requests in flight."""
    start_at = time.time() + 0.2
    return _run(
        [(_closed, (target, units, concurrency, seconds, start_at)) for units in unit_streams]
    )


def open_loop(
    target: Target, bodies: list[bytes], rate: float, processes: int, threads: int = 64
) -> Report:
    """`bodies` sent at `rate` per second, request i at i/rate, spread round-robin
    over `processes` processes of `threads` senders each (enough that none is
    late for its time unless the server holds them all)."""
    start_at = time.time() + 0.3
    schedules = [[] for _ in range(processes)]
    for i, body in enumerate(bodies):
        schedules[i % processes].append((i / rate, target.request(body)))
    return _run([(_open, (target, schedule, start_at, threads)) for schedule in schedules])
