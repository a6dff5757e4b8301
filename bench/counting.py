"""What a benchmark's processes cost: database statements and peak memory.

PostgreSQL here has pg_stat_statements available but not preloaded (that
needs a server restart, and the server is shared), so statements are counted
at the connection: `start_counted_workers` runs Celery workers through this
module, which adds an execute wrapper to every database connection the worker
opens and writes its running count to `HATID_HOME/queries-<label>.json`
(every statement Django sends: one per `execute` or `executemany`).

Memory is each process's peak resident set (`VmHWM` in /proc, kept by the
kernel, so nothing is missed between samples) and, for a process with
children, the largest sum sampled over the whole tree.

    python -m bench.counting <label> worker --pool threads ...   (what the helper runs)
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from pathlib import Path

import psutil

# --- inside a worker ------------------------------------------------------------

_lock = threading.Lock()
_count = 0


def _counter(execute, sql, params, many, context):
    global _count
    with _lock:
        _count += 1
    return execute(sql, params, many, context)


def _on_connection(sender, connection, **kwargs):
    if _counter not in connection.execute_wrappers:
        connection.execute_wrappers.append(_counter)


def _writer(path: Path):
    def write():
        with _lock:
            count = _count
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "queries": count}))
        tmp.replace(path)

    def loop():
        while True:
            time.sleep(0.2)
            write()

    threading.Thread(target=loop, daemon=True).start()
    atexit.register(write)


def run_worker(label: str, argv: list[str]) -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_on_connection, weak=False)
    _writer(Path(os.environ["HATID_HOME"]) / f"queries-{label}.json")
    from config.celery import app

    app.worker_main(argv)


# --- in the benchmark -----------------------------------------------------------


def start_counted_workers(env, label: str, processes: int, threads: int, queues: str):
    """Like `BenchEnv.start_workers`, each worker counting its statements as `label-<n>`."""
    started = []
    for n in range(processes):
        argv = ["worker", "--pool", "threads", "--concurrency", str(threads)]
        argv += ["--queues", queues, "--loglevel", "WARNING", "--without-mingle"]
        argv += ["--without-gossip", "--hostname", f"{label}{n}-{time.time_ns()}@%h"]
        command = [sys.executable, "-m", "bench.counting", f"{label}-{n}", *argv]
        started.append(env.spawn(command, f"{label}{n}.log"))
    return started


def counted_queries(env, label: str) -> int:
    """The statements of every worker started as `label` (read after they stopped)."""
    return sum(
        json.loads(path.read_text())["queries"] for path in env.home.glob(f"queries-{label}-*.json")
    )


def peak_mb(pid: int) -> float:
    """The process's own peak resident set, in MB (the kernel's high-water mark)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class MemoryWatch:
    """Samples the resident set of process trees every `interval` seconds; `peaks()`
    gives, per name, the largest sampled sum over the tree and the root's VmHWM."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.roots: dict[str, list[int]] = {}
        self.tree_peak: dict[str, float] = {}
        self.own_peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def watch(self, name: str, pids: list[int]) -> None:
        self.roots[name] = list(pids)

    def start(self) -> MemoryWatch:
        self._thread.start()
        return self

    def sample(self) -> None:
        for name, pids in list(self.roots.items()):
            total = 0
            for pid in pids:
                try:
                    root = psutil.Process(pid)
                    tree = [root, *root.children(recursive=True)]
                    total += sum(p.memory_info().rss for p in tree)
                    own = peak_mb(pid)
                except (psutil.Error, FileNotFoundError):
                    continue
                self.own_peak[name] = max(self.own_peak.get(name, 0.0), own)
            mb = round(total / 2**20, 1)
            self.tree_peak[name] = max(self.tree_peak.get(name, 0.0), mb)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()


if __name__ == "__main__":
    run_worker(sys.argv[1], sys.argv[2:])
