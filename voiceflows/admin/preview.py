"""The Tropo JSON a step answers with, for the editor's live preview: the
step as typed (not yet saved), with the flow's saved routes, rendered by the
engine exactly as a call would get it. Variables show as `{name}`; the
callback token of its URLs is redacted (it is the app's credential)."""

import dataclasses
import json

from telecom.redaction import redact_text
from voiceflows import engine
from voiceflows.models import VoiceFlow
from voiceflows.services.calls import urls_for


class Placeholders(dict):
    """Variables that render as themselves, `{name}`."""

    def get(self, key, default=None):
        return "{" + key + "}"


def step_document(
    flow: VoiceFlow, *, key: str, verb: str, options, spec: engine.FlowSpec | None = None
) -> tuple[str, str]:
    """(the document as indented JSON, "") or ("", what is wrong). `spec`:
    the flow as saved, when the caller has it (a page of several steps)."""
    key = (key or "").strip() or "new-step"
    if isinstance(options, str):
        try:
            options = json.loads(options or "{}")
        except ValueError as error:
            return "", f"options are not JSON: {error}"
    problem = engine.options_problem(verb, options)
    if problem:
        return "", problem
    spec = spec or engine.FlowSpec.load(flow)
    saved = spec.steps.get(key)
    typed = engine.StepSpec(
        key=key,
        verb=verb,
        options=options,
        routes=saved.routes if saved else (),
        action=saved.action if saved else "",
    )
    spec = dataclasses.replace(spec, steps={**spec.steps, key: typed})
    try:
        document = engine.render(spec, key, Placeholders(), urls_for(flow.app, flow))
    except engine.FlowError as error:
        return "", str(error)
    return redact_text(json.dumps(json.loads(document.json()), indent=2)), ""
