"""Personal data protection: encryption at rest, keyed hashes for exact search, and masking. What is
sealed is always the normalised value (rules.py: ID numbers, phones), so every spelling of a number
hashes the same.

- Values are encrypted with AES-256-GCM (`cryptography`), a 12-byte random nonce per value, stored as
  text "g1:<base64(nonce || ciphertext+tag)>". The key is PEOPLE_DATA_KEY (base64 of 32 bytes).
- Exact search uses HMAC-SHA256 under a second key, PEOPLE_HASH_KEY, over the normalised value, so
  the database never holds anything that can be reversed or brute-forced without the key.
- The masked form (`110105********1234`, `138****5678`) is stored next to the ciphertext: lists and
  exports show it without decrypting anything.

One cipher object per key is kept for the process (building it is the expensive part).
"""

import base64
import functools
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "g1:"


class KeyMissing(RuntimeError):
    pass


def _decode_key(value, name):
    if not value:
        raise KeyMissing(f"{name} is not set")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise KeyMissing(f"{name} is not valid base64") from exc
    if len(raw) != 32:
        raise KeyMissing(f"{name} must be 32 bytes (base64-encoded)")
    return raw


@functools.lru_cache(maxsize=4)
def _cipher(key_text):
    return AESGCM(_decode_key(key_text, "PEOPLE_DATA_KEY"))


@functools.lru_cache(maxsize=4)
def _hash_key(key_text):
    return _decode_key(key_text, "PEOPLE_HASH_KEY")


def generate_key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(value):
    if not value:
        return ""
    nonce = os.urandom(12)
    sealed = _cipher(settings.PEOPLE_DATA_KEY).encrypt(nonce, value.encode(), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token):
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("unknown ciphertext format")
    raw = base64.b64decode(token[len(PREFIX) :])
    return _cipher(settings.PEOPLE_DATA_KEY).decrypt(raw[:12], raw[12:], None).decode()


def keyed_hash(kind, value):
    """HMAC-SHA256 of "kind:value" (kind separates ID numbers from phones); "" for no value."""
    if not value:
        return ""
    key = _hash_key(settings.PEOPLE_HASH_KEY)
    return hmac.digest(key, f"{kind}:{value}".encode(), "sha256").hex()


class Sealer:
    """The hot-path variant for importers: the cipher and the key looked up once."""

    def __init__(self):
        self.cipher = _cipher(settings.PEOPLE_DATA_KEY)
        self.key = _hash_key(settings.PEOPLE_HASH_KEY)
        self._urandom = os.urandom
        self._b64 = base64.b64encode
        self._digest = hmac.digest  # one-shot HMAC in C: no HMAC object per value

    def encrypt(self, value):
        if not value:
            return ""
        nonce = self._urandom(12)
        return PREFIX + self._b64(nonce + self.cipher.encrypt(nonce, value.encode(), None)).decode()

    def hash(self, kind, value):
        if not value:
            return ""
        return self._digest(self.key, f"{kind}:{value}".encode(), "sha256").hex()


# --- Masks (normalising and validating the values: rules.py) -------------------------------------------


def mask_id(number):
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if number else ""


def mask_phone(phone):
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else ("*" * len(phone) if phone else "")


def mask_name(name):
    """张三 → 张*，欧阳娜娜 → 欧***."""
    return name[:1] + "*" * (len(name) - 1) if name else ""
