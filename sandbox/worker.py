"""The sandbox's one background thread: work that must happen later.

The platform does a few things after it has answered: the Load API's final
status callback, a callback sent twice, callbacks held back and sent out of
order. `schedule(delay, fn, *args)` runs `fn` on this thread no sooner than
`delay` seconds from now; `reset()` drops everything still waiting (so a
reset sandbox sends nothing from before it).
"""

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger("sandbox.worker")

_condition = threading.Condition()
_queue: list[tuple[float, int, int, Callable, tuple]] = []
_sequence = itertools.count()
_generation = 0
_thread: threading.Thread | None = None
_busy = threading.Event()


def schedule(delay: float, fn: Callable, *args) -> None:
    global _thread
    with _condition:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="sandbox-worker", daemon=True)
            _thread.start()
        due = time.monotonic() + max(delay, 0.0)
        heapq.heappush(_queue, (due, next(_sequence), _generation, fn, args))
        _condition.notify()


def reset() -> None:
    global _generation
    with _condition:
        _generation += 1
        _queue.clear()
        _condition.notify()


def pending() -> int:
    with _condition:
        return len(_queue)


def busy() -> bool:
    """Whether a job is running now (its callbacks may be on their way)."""
    return _busy.is_set()


def _next_job() -> tuple[Callable, tuple] | None:
    with _condition:
        while True:
            if not _queue:
                _condition.wait(timeout=1.0)
                continue
            due, _, generation, fn, args = _queue[0]
            if generation != _generation:
                heapq.heappop(_queue)
                continue
            wait = due - time.monotonic()
            if wait > 0:
                _condition.wait(timeout=wait)
                continue
            heapq.heappop(_queue)
            return fn, args


def _run() -> None:
    while True:
        job = _next_job()
        if job is None:
            continue
        fn, args = job
        _busy.set()
        try:
            fn(*args)
        except Exception:
            logger.exception("sandbox background job %s failed", getattr(fn, "__name__", fn))
        finally:
            _busy.clear()
            close_old_connections()
