import pytest
from django.core.exceptions import ValidationError

from prm.partners.names import name_key, similarity
from prm.partners.validators import (
    brn_check_digit,
    normalize_brn,
    normalize_domain,
    normalize_phone,
)


@pytest.mark.parametrize(
    "a, b",
    [
        ("(주)한빛소프트", "㈜ 한빛소프트"),
        ("(주)한빛소프트", "한빛소프트 주식회사"),
        ("Hanbit Soft Co., Ltd.", "Hanbit Soft Inc."),
        ("HANBIT SOFT CORPORATION", "hanbit-soft"),
    ],
)
def test_legal_forms_spacing_punctuation_and_case_do_not_matter(a, b):
    assert name_key(a) == name_key(b)
    assert similarity(a, b) == 100


def test_different_companies_are_not_similar():
    assert similarity("(주)한빛소프트", "대한물류 주식회사") < 50
    assert similarity("Exotic Liquids", "Pavlova, Ltd.") < 50


@pytest.mark.parametrize("number", ["220-81-62517", "124-81-00998", "1018116293"])
def test_real_registration_numbers_pass_the_check_digit(number):
    assert len(normalize_brn(number)) == 10


@pytest.mark.parametrize("number", ["220-81-62518", "124-81-00999"])
def test_a_wrong_check_digit_is_refused(number):
    with pytest.raises(ValidationError) as exc:
        normalize_brn(number)
    assert exc.value.code == "brn_checksum"


@pytest.mark.parametrize("number", ["12345", "abc-de-fghij", "220-81-625170"])
def test_malformed_registration_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        normalize_brn(number)


def test_check_digit_matches_the_published_algorithm():
    # 220-81-62517: sum of digits x (1,3,7,1,3,7,1,3,5) plus floor(1*5/10) -> check digit 7
    assert brn_check_digit("220816251") == 7


def test_phone_numbers_are_validated_for_the_partner_country():
    assert normalize_phone("02-1234-5678", "KR") == "+82212345678"
    assert normalize_phone("010-2345-6789", "KR") == "+821023456789"
    assert normalize_phone("030-0074321", "DE") == "+49300074321"
    assert normalize_phone("+49 30 0074321", "KR") == "+49300074321"


def test_an_invalid_phone_number_is_refused():
    with pytest.raises(ValidationError):
        normalize_phone("123", "KR")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://www.Hanbit.co.kr/about", "hanbit.co.kr"),
        ("sales@hanbit.co.kr", "hanbit.co.kr"),
        ("hanbit.co.kr", "hanbit.co.kr"),
    ],
)
def test_domains_are_normalised(value, expected):
    assert normalize_domain(value) == expected


def test_a_non_domain_is_refused():
    with pytest.raises(ValidationError):
        normalize_domain("not a domain")
