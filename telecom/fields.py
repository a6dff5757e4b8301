"""Model fields for Hatid's data: `EncryptedTextField` keeps secrets encrypted at
rest; `OutboundURLField` is a URL Hatid will send requests to.

The column holds a Fernet token; Python code sees a `telecom.crypto.Secret`.
Encrypted values cannot be searched (each encryption is different), so the
field refuses every lookup except `isnull`.
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from telecom.crypto import Secret, encrypt
from telecom.outbound_urls import validate_outbound_url


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
