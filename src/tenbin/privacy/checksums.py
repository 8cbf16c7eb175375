"""Check-digit validators: these are what separate a real identifier from a look-alike number."""

from __future__ import annotations


def my_number_valid(digits: str) -> bool:
    """Individual Number (マイナンバー) check digit, per the 総務省令 formula.

    The 12th digit is 11 - (Σ Pn×Qn mod 11) (0 when the remainder is ≤ 1), with Pn the n-th digit
    counted from the right excluding the check digit and Qn = n+1 (n ≤ 6) or n-5 (n ≥ 7).
    """
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = digits[:11]
    total = 0
    for n in range(1, 12):
        p = ord(body[11 - n]) - 48
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    rem = total % 11
    check = 0 if rem <= 1 else 11 - rem
    return check == ord(digits[11]) - 48


def corporate_number_valid(digits: str) -> bool:
    """Corporate Number (法人番号): the *leading* digit is 9 - (Σ Pn×Qn mod 9), Qn = 1 odd / 2 even."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    body = digits[1:]
    total = 0
    for n in range(1, 13):
        p = ord(body[12 - n]) - 48
        total += p * (1 if n % 2 else 2)
    return 9 - (total % 9) == ord(digits[0]) - 48


def luhn_valid(digits: str) -> bool:
    """Luhn mod-10 check used by every card brand."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
