"""The sandbox's own reading of Tropo documents (sandbox.tropo_document):
independent of Hatid's renderer, it reads every documented example, reads the
SDK doc's two spellings as Tropo's reference ones, and refuses what the
reference does not allow, saying where."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import tropo_document
from sandbox.tropo_document import DocumentError, read
from tests.integration.voice.test_tropo_verbs import TROPO_OPTIONS
from tests.support.tropo_fixtures import example, example_names
from voiceflows.tropo.platform import PlatformCall

ROOT = Path(__file__).resolve().parents[3]


def test_the_reader_does_not_import_hatids_renderer():
    # Run alone in a fresh interpreter: nothing of voiceflows may come along.
    code = (
        "import sys, sandbox.tropo_document; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'voiceflows'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    assert "voiceflows" not in Path(tropo_document.__file__).read_text().split('"""')[2]


def test_it_knows_the_options_of_every_verb_the_reference_lists():
    read_options = {name: set(check.options) for name, check in tropo_document.VERBS.items()}
    assert read_options == TROPO_OPTIONS


@pytest.mark.parametrize("name", example_names())
def test_every_documented_example_is_read(name):
    verbs = read(example(name))
    assert [verb for verb, _ in verbs] == [next(iter(item)) for item in example(name)["tropo"]]


@pytest.mark.parametrize(
    ("printed", "reference"), [("transfer_whisper_sdk", "transfer_whisper"), ("wait_sdk", "wait")]
)
def test_the_sdk_docs_spellings_read_as_tropos_reference_ones(printed, reference):
    assert read(example(printed)) == read(example(reference))


def test_allow_signals_false_is_uninterruptible():
    [[_, options]] = read({"tropo": [{"wait": {"milliseconds": 10, "allowSignals": False}}]})
    assert options == {"milliseconds": 10, "allowSignals": ""}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"tropo": []}, "tropo: must be a non-empty list of verbs"),
        ({"tropo": [{"play": {}}]}, "tropo[0]: 'play' is not a Tropo verb"),
        ({"tropo": [{"wait": {}}]}, "tropo[0].wait: milliseconds is required"),
        (
            {"tropo": [{"wait": {"milliseconds": "5000"}}]},
            "tropo[0].wait.milliseconds: must be a whole number from 0, not '5000'",
        ),
        (
            {"tropo": [{"wait": {"milliseconds": 5, "allowSignals": 1}}]},
            "tropo[0].wait.allowSignals: must be a signal name",
        ),
        (
            {"tropo": [{"say": {"value": "Hi", "voise": "kate"}}]},
            "tropo[0].say: has no option 'voise'",
        ),
        (
            {"tropo": [{"ask": {"choices": {"value": "1"}, "say": {"value": "x"}, "mode": "x"}}]},
            "tropo[0].ask: has no option 'mode'",
        ),
        (
            {
                "tropo": [
                    {"ask": {"choices": {"value": "1", "mode": "DTMF"}, "say": {"value": "x"}}}
                ]
            },
            "tropo[0].ask.choices.mode: must be one of any, dtmf, speech",
        ),
        (
            {
                "tropo": [
                    {"transfer": {"to": "1", "terminator": "*", "choices": {"terminator": "#"}}}
                ]
            },
            "tropo[0].transfer: has its terminator twice",
        ),
        (
            {"tropo": [{"transfer": {"to": "1", "terminator": "pound"}}]},
            "tropo[0].transfer.terminator: must be one touch-tone key",
        ),
        (
            {"tropo": [{"transfer": {"to": "1", "on": {"event": "continue", "next": "/x"}}}]},
            "tropo[0].transfer.on[0].event: must be ring or connect",
        ),
        (
            {"tropo": [{"record": {"url": "u", "format": "wav"}}]},
            "tropo[0].record.format: must be one of audio/wav",
        ),
    ],
)
def test_what_the_reference_does_not_allow_is_refused_naming_where(document, message):
    with pytest.raises(DocumentError) as refused:
        read(json.loads(json.dumps(document)))
    assert str(refused.value).startswith(message)


def test_the_player_runs_the_sdk_docs_wait_and_whisper_with_the_sandboxs_reader():
    call = PlatformCall(session_id="s1", answered=True)
    step = call.play(example("wait_sdk"), "http://app.example/", read=read)
    assert step.kind == "ended" and call.end_reason == "the document ended"
    assert call.transcript[:3] == [
        {"say": "Welcome to my Tropo Web API, please wait for a while."},
        {"wait": 5000},
        {"say": "Thank you for waiting!"},
    ]
    call = PlatformCall(session_id="s2", answered=True)
    call.play(example("transfer_whisper_sdk"), "http://app.example/transferwhisper/", read=read)
    assert {"transfer": "9054799241"} in call.transcript
    assert {"whisper": "You are now being connected."} in call.transcript
