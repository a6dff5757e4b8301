"""Secrets at rest: encrypted in the column, masked in Python, rotatable."""

import io
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from telecom.crypto import MASK, Secret
from telecom.models import ProviderApp
from tests.support.factories import ProviderAppFactory

pytestmark = pytest.mark.django_db


def raw_column(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_encrypted_field_stores_ciphertext_and_reads_back_plaintext():
    app = ProviderAppFactory(app_secret="s3cr3t-value-0123456789")
    stored = raw_column(ProviderApp, app.pk, "app_secret")
    assert "s3cr3t" not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert ProviderApp.objects.get(pk=app.pk).app_secret.reveal() == "s3cr3t-value-0123456789"


def test_secret_never_shows_itself_in_str_repr_or_formatting():
    secret = Secret("hunter2-hunter2-hunter2")
    assert str(secret) == MASK
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in f"{secret} {secret!r}"
    assert secret == "hunter2-hunter2-hunter2"
    assert secret.hint.endswith("ter2")


def test_model_repr_does_not_leak_secrets():
    app = ProviderAppFactory(app_secret="leaky-secret-abcdefgh")
    app = ProviderApp.objects.get(pk=app.pk)
    assert "leaky" not in repr(vars(app))


def test_secret_refuses_to_be_pickled():
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Secret("x"))


def test_encrypted_field_cannot_be_searched():
    with pytest.raises(FieldError, match="encrypted"):
        list(ProviderApp.objects.filter(app_secret="anything"))


def test_rotate_encryption_keys_moves_every_secret_to_the_newest_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    app = ProviderAppFactory(app_secret="rotate-me-0123456789abc", passphrase="")
    before = raw_column(ProviderApp, app.pk, "app_secret")
    Fernet(old_key.encode()).decrypt(before.encode())

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)

    after = raw_column(ProviderApp, app.pk, "app_secret")
    assert Fernet(new_key.encode()).decrypt(after.encode()) == b"rotate-me-0123456789abc"
    assert "re-encrypted" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now go
    assert ProviderApp.objects.get(pk=app.pk).app_secret.reveal() == "rotate-me-0123456789abc"
    assert raw_column(ProviderApp, app.pk, "passphrase") == ""

    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "done: 0 value(s)" in out.getvalue()


def test_logging_redacts_tokens_in_messages(caplog):
    from telecom.redaction import RedactingFilter

    logger = logging.getLogger("tests.redaction")
    logger.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="tests.redaction"):
            logger.info("GET /x?access_token=%s&subscriber_number=9171234567", "TOKEN123")
            logger.info('body {"app_secret": "abcdef", "address": "9171234567"}')
            logger.info("GET /callbacks/globe/%s/notify/", "A" * 43)
    finally:
        logger.removeFilter(logger.filters[-1])
    text = caplog.text
    assert "TOKEN123" not in text and "abcdef" not in text and "A" * 43 not in text
    assert "subscriber_number=******4567" in text  # numbers masked


def test_every_configured_log_handler_redacts():
    from telecom.redaction import RedactingFilter

    configured = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert configured, "the console handler from settings.LOGGING is installed"
    assert all(any(isinstance(f, RedactingFilter) for f in h.filters) for h in configured)


def test_a_decryption_is_reused_only_under_the_same_keys(settings):
    """Decrypted values are kept by key ring and ciphertext (a worker reveals
    the same token for every message): a ciphertext no current key opens is
    refused, even after it was opened under the keys it was made with."""
    from django.core.exceptions import ImproperlyConfigured

    from telecom.crypto import decrypt, encrypt

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    ciphertext = encrypt("a token")
    assert decrypt(ciphertext) == decrypt(ciphertext) == "a token"

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        decrypt(ciphertext)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert decrypt(ciphertext) == "a token"
