"""Fuzzing: the whole partner API (schemathesis over the OpenAPI schema) and
every callback kind (hypothesis), in-process through Django's WSGI handler on
the suite's PostgreSQL.

`make test` runs a bounded pass (HATID_FUZZ_EXAMPLES examples per operation or
kind, small by default); `make fuzz` raises it. Each test records how many
cases it ran and how many got a 5xx; the session's summary adds them up.
"""

import os

import pytest

DEFAULT_EXAMPLES = 6


def fuzz_examples() -> int:
    return int(os.environ.get("HATID_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))


def full_run() -> bool:
    """`make fuzz`, or any run asking for more examples than the bounded default."""
    return fuzz_examples() > DEFAULT_EXAMPLES


class Tally:
    """Cases run and 5xx answers seen by one test, kept on its report."""

    def __init__(self, record_property):
        self.cases = 0
        self.server_errors = 0
        self._record = record_property

    def count(self, status: int) -> None:
        self.cases += 1
        if status >= 500:
            self.server_errors += 1

    def save(self) -> None:
        self._record("fuzz_cases", self.cases)
        self._record("fuzz_5xx", self.server_errors)


@pytest.fixture
def tally(record_property):
    counter = Tally(record_property)
    yield counter
    counter.save()


def pytest_terminal_summary(terminalreporter):
    totals: dict[str, list[int]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "teardown":
                continue
            props = dict(getattr(report, "user_properties", ()))
            if "fuzz_cases" not in props:
                continue
            suite = report.nodeid.split("::")[0].rsplit("/", 1)[-1]
            entry = totals.setdefault(suite, [0, 0, 0])
            entry[0] += 1
            entry[1] += props["fuzz_cases"]
            entry[2] += props["fuzz_5xx"]
    if not totals:
        return
    terminalreporter.section("fuzz")
    terminalreporter.write_line(f"HATID_FUZZ_EXAMPLES={fuzz_examples()}")
    for suite, (tests, cases, errors) in sorted(totals.items()):
        terminalreporter.write_line(f"{suite}: {tests} targets, {cases} cases, {errors} 5xx")
