"""The shell examples of the README and of docs/*.md, read from their fenced
code blocks, for tests that run them (the partner API's are in docs/api.md)."""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def shell_lines(text: str | None = None) -> list[str]:
    """Every command of the documents' ```sh blocks, continuation lines joined."""
    if text is None:
        text = "\n".join(document.read_text() for document in DOCUMENTS)
    lines = []
    for block in _FENCE.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            command = line.split("  #", 1)[0].strip()
            if command:
                lines.append(command)
    return lines


def manage_commands() -> list[str]:
    return [line for line in shell_lines() if line.startswith(".venv/bin/python manage.py ")]


@dataclass(frozen=True)
class CurlExample:
    line: str
    method: str
    url: str


def curl_examples() -> list[CurlExample]:
    examples = []
    for line in shell_lines():
        if not line.startswith("curl "):
            continue
        words = shlex.split(line)
        url = next(word for word in words if word.startswith("http"))
        method = "GET"
        if "-X" in words:
            method = words[words.index("-X") + 1]
        elif any(word in words for word in ("-d", "--data", "--json")):
            method = "POST"
        examples.append(CurlExample(line=line, method=method, url=url))
    return examples


def example_key_scopes() -> set[str]:
    """The scopes of the documented `create_api_key` example."""
    for command in manage_commands():
        words = shlex.split(command)
        if words[2] == "create_api_key":
            return set(words[words.index("--scopes") + 1].split(","))
    raise AssertionError("no document has a create_api_key example")
