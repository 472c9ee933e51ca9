"""Personal data protection: encryption at rest, keyed hashes for exact search, ID number
validation (GB 11643) and masking.

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
import operator
import os
import re
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

PREFIX = "g1:"
ID_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
SERVICE_RE = re.compile(r"^[48]00\d{7}$")  # 400/800 business service numbers
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


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


# --- ID numbers (GB 11643-1999) -------------------------------------------------------------------


def normalise_id(value):
    return (value or "").strip().upper().replace(" ", "")


def id_check_digit(first17):
    """The GB 11643 check character of the first 17 digits (map/mul: the import calls this per row)."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    return ID_CHECK[sum(map(operator.mul, map(int, first17), ID_WEIGHTS)) % 11]


def parse_id_number(value, today=None):
    """Validate an 18-digit citizen ID number; return (normalised, birth_date, gender "M"/"F").

    Raises ValueError with a translated message saying what is wrong.
    """
    number = normalise_id(value)
    if not ID_RE.match(number):
        raise ValueError(_("身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X。"))
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(_("身份证号中的出生日期无效。")) from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise ValueError(_("身份证号中的出生日期无效。"))
    if id_check_digit(number[:17]) != number[17]:
        raise ValueError(_("身份证号校验位不正确。"))
    return number, birth, "M" if int(number[16]) % 2 else "F"


def normalise_phone(value):
    return re.sub(r"[\s-]", "", str(value or "").strip()) if value else ""


def validate_phone(value, service=False):
    """A normalised mobile or landline number; `service` also accepts 400/800 numbers (a company's
    contact phone, not a person's)."""
    phone = normalise_phone(value)
    if phone.startswith("+86"):
        phone = phone[3:]
    if service and SERVICE_RE.match(phone):
        return phone
    if not (PHONE_RE.match(phone) or LANDLINE_RE.match(phone)):
        if service:
            raise ValueError(_("联系电话应为手机号、带区号的固定电话或 400/800 服务电话。"))
        raise ValueError(_("手机号应为 11 位中国大陆手机号码（或带区号的固定电话）。"))
    return phone


def mask_id(number):
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if number else ""


def mask_phone(phone):
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else ("*" * len(phone) if phone else "")


def mask_name(name):
    """张三 → 张*，欧阳娜娜 → 欧***."""
    return name[:1] + "*" * (len(name) - 1) if name else ""
