"""`manage.py rotate_encryption_keys`: re-encrypt every stored secret with the newest key.

Put the new key first in FIELD_ENCRYPTION_KEYS (keeping the old ones after
it), run this, then remove the old keys. Rows already under the newest key
are left alone, so the command can be interrupted and run again.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from telecom.crypto import Secret, is_encrypted_with_primary_key
from telecom.fields import EncryptedTextField

BATCH = 500


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


class Command(BaseCommand):
    help = "Re-encrypt every secret at rest with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model, field in encrypted_fields():
            rows = (
                model._default_manager.exclude(**{f"{field.name}__isnull": True})
                .annotate(raw=Cast(field.name, TextField()))
                .values_list("pk", "raw")
                .order_by("pk")
            )
            changed = 0
            for pk, raw in rows.iterator(chunk_size=BATCH):
                if not raw or is_encrypted_with_primary_key(raw):
                    continue
                with transaction.atomic():
                    # Saving the Secret decrypts it with whichever key fits and
                    # encrypts it again with the first key.
                    model._default_manager.filter(pk=pk).update(
                        **{field.name: Secret(ciphertext=raw)}
                    )
                changed += 1
            if changed:
                self.stdout.write(f"{model._meta.label}.{field.name}: {changed} re-encrypted")
            total += changed
        self.stdout.write(f"done: {total} value(s) re-encrypted")
