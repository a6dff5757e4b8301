"""Whole documents: verbs -> `{"tropo": [...]}` (render) and back (load).

The platform takes a JSON object with one key, `tropo`, holding a list; each
item is an object with exactly one key, the verb's name, whose value holds its
options (Tropo WebAPI reference, "tropo" object; every example in the Globe
Labs voice docs). `render` writes that and nothing more: it adds no verb the
flow did not ask for (no implicit hangup: Tropo hangs up by itself when a
document ends without an `on continue` that has a `next`). `load` reads such a
document, so that a flow stored as data renders back exactly as stored.
"""

import json
from collections.abc import Iterable
from typing import Any

from .errors import TropoError
from .options import Verb, describe, dump_object, load_object
from .payload import decode_json
from .prompts import Say
from .verbs import VERBS


def check_document(verbs: list[Any]) -> None:
    """Rules about the document as a whole; each verb validated itself when built."""
    if not verbs:
        raise TropoError("tropo", "needs at least one verb")
    for index, verb in enumerate(verbs):
        where = f"tropo[{index}]"
        if not isinstance(verb, Verb):
            raise TropoError(where, f"must be a verb (Say, Ask, On...), not {describe(verb)}")
        if isinstance(verb, Say) and verb.event:
            raise TropoError(
                f"{where}.say",
                "only applies to the prompts of an ask or a record, not to a say on its own",
                option="event",
            )


def render(verbs: Iterable[Verb]) -> dict[str, Any]:
    """The Tropo document for these verbs, as parsed JSON (dicts and lists)."""
    verbs = list(verbs)
    check_document(verbs)
    return {"tropo": [{verb.tropo_name: dump_object(verb)} for verb in verbs]}


def render_json(verbs: Iterable[Verb]) -> str:
    """The Tropo document as compact JSON text: what the voice webhook answers."""
    return json.dumps(render(verbs), separators=(",", ":"))


def load(document: Any) -> list[Verb]:
    """Verbs from a Tropo document (parsed, or JSON text/bytes); TropoError if it is not one."""
    data = decode_json(document, "document")
    if not isinstance(data, dict) or set(data) != {"tropo"}:
        raise TropoError("document", f'must be {{"tropo": [...]}}, not {describe(data)}')
    items = data["tropo"]
    if not isinstance(items, list):
        raise TropoError("tropo", f"must be a list of verbs, not {describe(items)}")
    verbs = []
    for index, item in enumerate(items):
        where = f"tropo[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            raise TropoError(
                where,
                f'must be an object naming one verb, like {{"say": {{...}}}}, not {describe(item)}',
            )
        ((name, options),) = item.items()
        cls = VERBS.get(name)
        if cls is None:
            raise TropoError(where, f"{describe(name)} is not a Tropo verb ({', '.join(VERBS)})")
        # Tropo's own examples write an option-less verb as `"hangup": null`.
        verbs.append(load_object(cls, {} if options is None else options, f"{where}.{name}"))
    check_document(verbs)
    return verbs
