from datetime import date

import pytest

from civicgrid.people import protection, rules
from civicgrid.people.testing import make_id_number


def test_valid_id_number_gives_birth_date_and_gender():
    number, birth, gender = rules.parse_id_number("11010519491231002x")
    assert number == "11010519491231002X"
    assert birth == date(1949, 12, 31)
    assert gender == "F"


@pytest.mark.parametrize(
    "value, message",
    [
        ("1101051949123100", "18 位"),
        ("110105194912310021", "校验位"),
        ("110105194913310023", "出生日期"),
        ("110105209912310023", "出生日期"),
        ("11010519491231002A", "18 位"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(value, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_id_number(value)


def test_generated_numbers_validate():
    for _ in range(50):
        rules.parse_id_number(make_id_number())


def test_masks():
    assert protection.mask_id("110105194912310021") == "110105********0021"
    assert protection.mask_phone("13812345678") == "138****5678"
    assert protection.mask_name("欧阳娜娜") == "欧***"


def test_encryption_round_trip_is_randomised_and_hash_is_stable():
    a, b = protection.encrypt("13812345678"), protection.encrypt("13812345678")
    assert a != b and "13812345678" not in a
    assert protection.decrypt(a) == protection.decrypt(b) == "13812345678"
    assert protection.keyed_hash("phone", "13812345678") == protection.keyed_hash("phone", "13812345678")
    assert protection.keyed_hash("phone", "13812345678") != protection.keyed_hash("id", "13812345678")
    sealer = protection.Sealer()
    assert protection.decrypt(sealer.encrypt("x1")) == "x1"
    assert sealer.hash("id", "abc") == protection.keyed_hash("id", "abc")


def test_tampered_ciphertext_is_refused():
    token = protection.encrypt("110105194912310021")
    broken = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag or a decoding error
        protection.decrypt(broken)


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+8613812345678", "0371-12345678"])
def test_phones(phone):
    assert rules.validate_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "abc"])
def test_bad_phones(phone):
    with pytest.raises(ValueError):
        rules.validate_phone(phone)


def test_missing_key_is_a_system_check_error(settings):
    from civicgrid.people.checks import check_people_keys

    settings.PEOPLE_DATA_KEY = ""
    errors = check_people_keys(None)
    assert [e.id for e in errors] == ["people.E001"]
