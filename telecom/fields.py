"""Model fields for Hatid's data: `EncryptedTextField` keeps secrets encrypted at rest;
the `Redacted*Field`s keep provider exchanges with their secrets redacted;
`OutboundURLField` is a URL Hatid will send requests to.

The encrypted column holds a Fernet token; Python code sees a `telecom.crypto.Secret`.
Encrypted values cannot be searched (each encryption is different), so the
field refuses every lookup except `isnull`. A redacted column holds the value
as `telecom.redaction` redacts it, written so whatever path saves the row.
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from telecom.crypto import Secret, encrypt
from telecom.outbound_urls import validate_outbound_url
from telecom.redaction import redact_data, redact_text


class SecretAttribute(DeferredAttribute):
    """Wraps whatever is assigned in a Secret, so a value set from a form or a
    service is as hidden as one loaded from the database."""

    def __set__(self, instance, value):
        if isinstance(value, str) and value != "":
            value = Secret(value)
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (FIELD_ENCRYPTION_KEYS)"
    descriptor_class = SecretAttribute

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return Secret(ciphertext=value)

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, Secret):
            return value
        return Secret(str(value))

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        plaintext = value.reveal() if isinstance(value, Secret) else str(value)
        return encrypt(plaintext)

    def value_to_string(self, obj):
        # Serialization (dumpdata, fixtures) must never write the plaintext.
        value = self.value_from_object(obj)
        return "" if value in (None, "") else "<encrypted>"

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is encrypted at rest and cannot be searched")
        return super().get_lookup(lookup_name)


class OutboundURLField(models.URLField):
    """A URL a person or a callback supplies and Hatid sends requests to: every
    such field is one of these, so the admin and the API refuse, with a field
    error, what the outbound-URL policy refuses (`telecom.outbound_urls`)."""

    description = "URL Hatid sends requests to (the outbound-URL policy applies)"
    default_validators = [*models.URLField.default_validators, validate_outbound_url]

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class RedactedMixin:
    """Redacts the value (`telecom.redaction`) before it is written, whatever
    writes it (save, create, update, bulk_create): a provider's request or
    answer kept for operators never holds a live token. A redacted value that
    outgrows `max_length` is cut to it."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, str) and value:
            value = redact_text(value)
            if self.max_length:
                value = value[: self.max_length]
        return value


class RedactedTextField(RedactedMixin, models.TextField):
    description = "Text with secrets redacted before it is written"


class RedactedCharField(RedactedMixin, models.CharField):
    description = "A string with secrets redacted before it is written"


class RedactedURLField(RedactedMixin, models.URLField):
    description = "A URL with its access token and callback token redacted before it is written"


class RedactedJSONField(models.JSONField):
    """JSON whose secret-named values, and secrets inside its strings, are
    redacted before it is written (`telecom.redaction.redact_data`)."""

    description = "JSON with secrets redacted before it is written"

    def get_prep_value(self, value):
        if isinstance(value, (dict, list, str)):
            value = redact_data(value)
        return super().get_prep_value(value)
