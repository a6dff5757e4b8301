"""Reading the recorded Tropo payloads under tests/fixtures/tropo/."""

import json
from pathlib import Path
from typing import Any

TROPO_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tropo"
EXAMPLES = TROPO_FIXTURES / "examples"


def example(name: str) -> Any:
    """A documented example (Globe Connect SDK docs, Voice section), as parsed JSON."""
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def example_names() -> list[str]:
    return sorted(path.stem for path in EXAMPLES.glob("*.json"))


def payload_bytes(name: str) -> bytes:
    """A platform request body (session or result) exactly as stored."""
    return (TROPO_FIXTURES / f"{name}.json").read_bytes()
