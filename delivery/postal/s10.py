"""UPU S10 item identifiers: two service letters, eight serial digits, a check digit, country.

Example: ``EB123456785VN`` (EMS item, serial 12345678, check digit 5, Việt Nam).
"""

from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
S10_RE = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")


def check_digit(serial: str) -> int:
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial number has eight digits")
    remainder = sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def make_s10(service: str, serial: int, country: str = "VN") -> str:
    digits = f"{serial:08d}"
    if len(digits) != 8:
        raise ValueError("serial out of range")
    return f"{service}{digits}{check_digit(digits)}{country}"


def is_valid_s10(value: str) -> bool:
    if not S10_RE.match(value):
        return False
    return check_digit(value[2:10]) == int(value[10])
