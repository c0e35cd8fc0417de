"""FINESS numbers: nine characters whose last is a Luhn check key over the first eight."""

from __future__ import annotations

_CORSICA = {"2A": "21", "2B": "22"}


def luhn_key(payload: str) -> int:
    """The Luhn check digit for a string of digits."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:  # the rightmost payload digit is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def expected_key(finess: str) -> int | None:
    """The key the ninth character should hold, or None if the number is malformed."""
    if len(finess) != 9:
        return None
    payload = _CORSICA.get(finess[:2], finess[:2]) + finess[2:8]
    if not (payload.isascii() and payload.isdigit()):
        return None
    return luhn_key(payload)


def is_valid(finess: str) -> bool:
    """True when a FINESS number's check key is right."""
    key = expected_key(finess)
    return key is not None and finess[8] in "0123456789" and int(finess[8]) == key
