"""Tagging subscribers for segments, in bulk."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from subscribers.models import Subscriber, Tag
from telecom.errors import ServiceError


def tag_named(name: str) -> Tag:
    slug = slugify(name)[:50]
    if not slug:
        raise ServiceError("a tag needs letters or digits", field="tag")
    tag, _ = Tag.objects.get_or_create(name=slug)
    return tag


@transaction.atomic
def tag_subscribers(*, subscriber_ids, tag_name: str) -> int:
    """Add the tag to every given subscriber; returns how many were newly tagged."""
    tag = tag_named(tag_name)
    through = Subscriber.tags.through
    ids = list(subscriber_ids)
    already = set(
        through.objects.filter(tag=tag, subscriber_id__in=ids).values_list(
            "subscriber_id", flat=True
        )
    )
    new = [through(subscriber_id=pk, tag=tag) for pk in ids if pk not in already]
    through.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    Subscriber.objects.filter(pk__in=[row.subscriber_id for row in new]).update(
        updated_at=timezone.now()
    )
    return len(new)


@transaction.atomic
def untag_subscribers(*, subscriber_ids, tag_name: str) -> int:
    tag = Tag.objects.filter(name=slugify(tag_name)).first()
    if tag is None:
        return 0
    deleted, _ = Subscriber.tags.through.objects.filter(
        tag=tag, subscriber_id__in=list(subscriber_ids)
    ).delete()
    return deleted
