"""docs/architecture.md is the map of the code: every model, Celery task and
sender (`OutboxSender` subclass), and each outbound operation's parts, are
named in it, and the README points to it."""

import re
from pathlib import Path

import pytest
from celery import current_app
from django.apps import apps

from telecom.outbound import all_operations
from telecom.outbox_sender import OutboxSender

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "architecture.md"
OURS = ("telecom", "subscribers", "voiceflows", "sandbox")


def named() -> set[str]:
    return set(re.findall(r"`([A-Za-z_][\w.]*)`", DOC.read_text()))


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_readme_points_to_the_architecture_inside_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/architecture.md)" in readme
    assert "../shared/" not in readme


@pytest.mark.parametrize(
    "model", [m for m in apps.get_models() if m._meta.app_label in OURS], ids=str
)
def test_every_model_is_on_the_map(model):
    assert model.__name__ in named(), f"docs/architecture.md does not name {model.__name__}"


def test_every_task_and_sender_is_on_the_map():
    import subscribers.services.deliveries  # noqa: F401  (the deliveries, imported)
    import telecom.services.fax
    import telecom.tasks  # noqa: F401
    import voiceflows.tasks  # noqa: F401

    tasks = {
        name.rsplit(".", 1)[1]
        for name in current_app.tasks
        if name.startswith(("telecom.", "subscribers.", "voiceflows."))
    }
    deliveries = {
        cls.__name__ for cls in subclasses(OutboxSender) if not cls.__module__.startswith("tests")
    }
    assert tasks and deliveries
    assert tasks - named() == set()
    assert deliveries - named() == set()


def test_every_outbound_operation_is_on_the_map():
    for operation in all_operations():
        parts = {
            operation.model.__name__,
            operation.sender.__name__,
            operation.task.rsplit(".", 1)[1],
        }
        assert parts - named() == set(), f"docs/architecture.md does not name {parts - named()}"
