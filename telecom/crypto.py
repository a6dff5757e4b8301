"""Encryption at rest: the key ring, and the `Secret` value that hides itself.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys). The first
key encrypts; every key decrypts, so a new key is rolled out by putting it
first, running `manage.py rotate_encryption_keys`, then dropping the old one.

A decrypted value is handed out as a `Secret`: its str() and repr() are masked,
so a secret that slips into a log line, an f-string or an admin page shows as
dots. Code that must send it says so with `.reveal()`.
"""

from __future__ import annotations

import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MASK = "••••••••"


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    try:
        fernets = [Fernet(key.encode()) for key in keys]
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)"
        ) from exc
    return MultiFernet(fernets), fernets[0]


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))[0]


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    return _decrypted(tuple(settings.FIELD_ENCRYPTION_KEYS), ciphertext)


# A delivery worker decrypts the same few tokens and app secrets for every
# message it sends (a Fernet decryption each, 4% of its CPU): the last ones
# are kept, by key ring and ciphertext.
@lru_cache(maxsize=1024)
def _decrypted(keys: tuple[str, ...], ciphertext: str) -> str:
    try:
        return _keyring(keys)[0].decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "a stored secret cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS"
        ) from None


def is_encrypted_with_primary_key(ciphertext: str) -> bool:
    primary = _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))[1]
    try:
        primary.decrypt(ciphertext.encode())
    except InvalidToken:
        return False
    return True


class Secret:
    """A secret string that never prints itself.

    Decryption is lazy: a row loaded for a list page costs no cryptography
    unless the secret is actually revealed.
    """

    __slots__ = ("_ciphertext", "_plaintext")

    def __init__(self, plaintext: str | None = None, *, ciphertext: str | None = None):
        if (plaintext is None) == (ciphertext is None):
            raise ValueError("give a Secret either its plaintext or its ciphertext")
        self._plaintext = plaintext
        self._ciphertext = ciphertext

    def reveal(self) -> str:
        if self._plaintext is None:
            self._plaintext = decrypt(self._ciphertext)
        return self._plaintext

    @property
    def hint(self) -> str:
        """Enough to tell two secrets apart on an admin page: the last four characters."""
        value = self.reveal()
        return MASK + value[-4:] if len(value) >= 16 else MASK

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __bool__(self) -> bool:
        return bool(self.reveal())

    def __len__(self) -> int:
        return len(self.reveal())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            other = other.reveal()
        if not isinstance(other, str):
            return NotImplemented
        return hmac.compare_digest(self.reveal().encode(), other.encode())

    def __hash__(self) -> int:
        return hash(self.reveal())

    def __copy__(self) -> Secret:
        return self  # immutable

    def __deepcopy__(self, memo) -> Secret:
        return self

    def __reduce__(self):
        # Pickling would write the plaintext into a cache or a broker message.
        raise TypeError("a Secret cannot be pickled; pass the row's id instead")


def reveal(value: Secret | str) -> str:
    """The plaintext of a Secret, or a plain string unchanged (for code taking either)."""
    return value.reveal() if isinstance(value, Secret) else value
