"""The rules every write path of base data shares: the staff pages (forms → actions), the Excel
importers, the REST API filters, exact search and the admin all go through these helpers, so a
number typed, imported or searched in any of its usual spellings is stored, hashed and found the same.

- ID numbers (GB 11643-1999): full-width or other Unicode digits become ASCII, spaces go, a final x
  becomes X (`normalise_id_number`, `parse_id_number`).
- Phones: one canonical form per number (`normalise_phone`, `validate_phone`): a mobile is its 11
  digits (`+86`, `0086` or `86` in front, spaces, hyphens, parentheses and full-width digits dropped);
  a landline is `area-local`, the area code with its leading 0 (3 digits for 010 and 02x, 4 for the
  others): `0371 6555 1234`, `(0371)65551234` and `+86 371 6555-1234` are all `0371-65551234`;
  400/800 service numbers (contact phones of companies only) are their 10 digits.
- Houses: where a house may be in its building (`house_place_errors`): a floor between LOWEST_FLOOR
  and the building's top floor, never 0; a unit the building has.
- Comparing sealed values (`sealed_differs`, `masked_for_log`): a stored phone or ID number is
  compared through its keyed hash of the normalised value, never through its masked form (two
  numbers differing only in their middle digits share a mask).
"""

import operator
import re
import unicodedata
from datetime import date

from django.utils.translation import gettext as _

from civicgrid.people import protection

ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-[0-9]{7,8}$")
SERVICE_RE = re.compile(r"^[48]00[0-9]{7}$")  # 400/800 business service numbers
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
LOWEST_FLOOR = -5
HIGHEST_FLOOR = 200

# What may separate the parts of a phone number as people write it.
_PHONE_SEPARATORS = re.compile(r"[\s\-()./_—–]+")


def ascii_text(value):
    """NFKC (full-width letters, digits and signs become ASCII) and every other Unicode decimal digit
    as its ASCII digit. Cheap for text that already is ASCII."""
    text = str(value or "")
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


# --- ID numbers ----------------------------------------------------------------------------------------


def normalise_id_number(value):
    """The ID number as stored and hashed: ASCII digits, no spaces, upper-case X."""
    return "".join(ascii_text(value).split()).upper()


def id_check_digit(first17):
    """The GB 11643 check character of the first 17 digits (map/mul: the import calls this per row)."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    return ID_CHECK[sum(map(operator.mul, map(int, first17), ID_WEIGHTS)) % 11]


def parse_id_number(value, today=None):
    """Validate an 18-digit citizen ID number; return (normalised, birth_date, gender "M"/"F").

    Raises ValueError with a translated message saying what is wrong.
    """
    number = normalise_id_number(value)
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


def looks_like_id_number(value):
    """Whether a search query is an ID number (18 characters once normalised)."""
    return bool(ID_RE.match(normalise_id_number(value)))


# --- Phones ----------------------------------------------------------------------------------------------


def _area_code_length(digits):
    """0 + 2 digits for Beijing (010) and 02x, 0 + 3 digits for every other area code."""
    return 3 if digits.startswith(("010", "02")) else 4


def normalise_phone(value):
    """The canonical form of a phone number (see the module docstring); text that is no phone number
    comes back cleaned but otherwise as given (it then matches nothing and validates as nothing)."""
    text = _PHONE_SEPARATORS.sub("", ascii_text(value).strip())
    if not text:
        return ""
    international = False
    if text.startswith("+86"):
        text, international = text[3:], True
    elif text.startswith("0086"):
        text, international = text[4:], True
    elif text.startswith("86") and len(text) == 13 and MOBILE_RE.match(text[2:]):
        text = text[2:]
    if not text.isdigit():
        return text
    if MOBILE_RE.match(text) or SERVICE_RE.match(text):
        return text
    if international and not text.startswith("0"):
        text = "0" + text  # +86 371 … is 0371 … at home
    if text.startswith("0") and 10 <= len(text) <= 12:
        area = _area_code_length(text)
        local = text[area:]
        if 7 <= len(local) <= 8:
            return f"{text[:area]}-{local}"
    return text


def validate_phone(value, service=False):
    """The canonical mobile or landline number; `service` also accepts 400/800 numbers (a company's
    contact phone, not a person's). Raises ValueError with a translated message."""
    phone = normalise_phone(value)
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return phone
    if service and SERVICE_RE.match(phone):
        return phone
    if service:
        raise ValueError(_("联系电话应为手机号、带区号的固定电话或 400/800 服务电话。"))
    raise ValueError(_("手机号应为 11 位中国大陆手机号码（或带区号的固定电话）。"))


def phone_hash(value):
    """The keyed hash exact search compares against: the same for every spelling of the number."""
    return protection.keyed_hash("phone", normalise_phone(value))


def id_number_hash(value):
    return protection.keyed_hash("id", normalise_id_number(value))


def looks_like_phone(value):
    """Whether a search query is meant as a phone number (digits with the usual separators)."""
    text = _PHONE_SEPARATORS.sub("", ascii_text(value).strip())
    return len(text) >= 6 and text.lstrip("+").isdigit()


def seal_phone(phone, hasher=None, encrypt=None):
    """{phone_enc, phone_hash, phone_masked} of a canonical phone ("" clears all three)."""
    if not phone:
        return {"phone_enc": "", "phone_hash": "", "phone_masked": ""}
    return {
        "phone_enc": (encrypt or protection.encrypt)(phone),
        "phone_hash": hasher("phone", phone) if hasher else protection.keyed_hash("phone", phone),
        "phone_masked": protection.mask_phone(phone),
    }


def seal_id_number(number):
    """{id_number_enc, id_number_hash, id_number_masked} of a normalised ID number."""
    if not number:
        return {"id_number_enc": "", "id_number_hash": "", "id_number_masked": ""}
    return {
        "id_number_enc": protection.encrypt(number),
        "id_number_hash": protection.keyed_hash("id", number),
        "id_number_masked": protection.mask_id(number),
    }


# --- Comparing real values ---------------------------------------------------------------------------------


def sealed_differs(stored_hash, new_hash):
    """Whether a sealed value changed: the keyed hashes of the normalised values differ (masks may
    be equal for different numbers, so they are never compared)."""
    return (stored_hash or "") != (new_hash or "")


def masked_for_log(masked, changed_behind_mask):
    """The masked value written to the change log: when the real value changed but its mask did not
    (a middle digit), the log says so instead of showing the same text on both sides."""
    if changed_behind_mask and masked:
        return _("%(masked)s（已更改）") % {"masked": masked}
    return masked


# --- Houses --------------------------------------------------------------------------------------------------


def floor_ok(floor, top_floor):
    return floor is not None and LOWEST_FLOOR <= floor <= top_floor and floor != 0


def floor_message(top_floor):
    return _("楼层应在 %(low)s 到 %(high)s 之间（没有 0 层）。") % {"low": LOWEST_FLOOR, "high": top_floor}


def house_place_errors(building, floor, unit_number, unit_numbers):
    """{field: message} for a house of `building` on `floor` in the unit numbered `unit_number`
    ("" for none); `unit_numbers` are the numbers of the building's units. Empty when the place is
    fine. The same rule as the house form and actions.save_house."""
    errors = {}
    if not floor_ok(floor, building.floors):
        errors["floor"] = floor_message(building.floors)
    if unit_number:
        if unit_number not in unit_numbers:
            errors["unit"] = _("楼栋 %(building)s 没有 %(unit)s 单元。") % {
                "building": building.code,
                "unit": unit_number,
            }
    elif unit_numbers:
        errors["unit"] = _("请选择单元。")
    return errors


# --- Households ----------------------------------------------------------------------------------------------


def household_number(house_id, sequence):
    """户号: the house's id and the household's sequence in it (e.g. 00001234-1)."""
    return f"{house_id:08d}-{sequence}"


# --- Tags ------------------------------------------------------------------------------------------------------


def split_tags(text):
    """The labels of a tag cell: separated by 、 ， , ; or ；."""
    text = ascii_text(text) if text else ""
    return [label.strip() for label in re.split(r"[、,;]", text) if label.strip()]
