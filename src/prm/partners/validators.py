"""Validators for partner data: Korean business registration numbers and phone numbers."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.kr import brn

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first_nine: str) -> int:
    """The National Tax Service check digit of a 사업자등록번호."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, BRN_WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def normalize_brn(value: str) -> str:
    """``123-45-67890`` → ``1234567890``; raises ValidationError when the number is invalid.

    python-stdnum checks the format only, so the check digit is verified here.
    """
    compact = brn.compact(value or "")
    if not compact:
        return ""
    if len(compact) != 10 or not compact.isdigit():
        raise ValidationError(
            _("A business registration number has 10 digits (e.g. 123-45-67890)."),
            code="brn_format",
        )
    if brn_check_digit(compact[:9]) != int(compact[9]):
        raise ValidationError(
            _("%(value)s is not a valid business registration number: its check digit is wrong."),
            code="brn_checksum",
            params={"value": format_brn(compact)},
        )
    return compact


def format_brn(compact: str) -> str:
    return f"{compact[:3]}-{compact[3:5]}-{compact[5:]}" if len(compact) == 10 else compact


def normalize_phone(value: str, country: str | None) -> str:
    """A phone number in E.164 form, validated for ``country`` when it has no +prefix."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, (country or "KR").upper())
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("%(value)s is not a phone number."), code="phone", params={"value": value}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(value)s is not a valid phone number for %(country)s."),
            code="phone",
            params={"value": value, "country": country or "KR"},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")


def normalize_domain(value: str) -> str:
    """``https://www.Example.co.kr/about`` or ``sales@example.co.kr`` → ``example.co.kr``."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    text = text.rsplit("@", 1)[-1]
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/", 1)[0].split(":", 1)[0]
    text = text.removeprefix("www.")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationError(_("%(value)s is not a domain."), params={"value": value}) from exc
    if not _DOMAIN_RE.match(text):
        raise ValidationError(
            _("%(value)s is not a domain (e.g. example.co.kr)."),
            code="domain",
            params={"value": value},
        )
    return text
