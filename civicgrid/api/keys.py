"""API keys: generated once, shown once, stored only as their SHA-256."""

import hashlib
import secrets

KEY_PREFIX = "cg_"


def generate_key():
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def display_prefix(raw):
    return raw[:8]
