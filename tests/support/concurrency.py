"""Run the same call from many threads at the same instant (for duplicate-submission tests)."""

import threading
from collections.abc import Callable


def at_once(call: Callable[[], object], times: int, timeout: float = 30.0) -> list:
    """`times` threads, released together by a barrier, each making `call()`; their results."""
    barrier = threading.Barrier(times)
    results: list = []
    lock = threading.Lock()

    def run():
        barrier.wait(timeout)
        result = call()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if len(results) != times:
        raise AssertionError(f"only {len(results)} of {times} concurrent calls finished")
    return results
