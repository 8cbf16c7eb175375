"""ISO 3166-1 alpha-2 country codes (the 249 officially assigned ones), for the region and
jurisdiction fields of models and constraints.

Kept as data rather than a dependency: it changes about once a decade, and a typo like
``onprem`` or ``JA`` must fail at start instead of silently never matching a constraint.
"""

from __future__ import annotations

import difflib

ON_PREM = "on-prem"

_TABLE = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ALPHA2: frozenset[str] = frozenset(_TABLE.split())

# Codes people write that are not ISO 3166-1: the usual intent, for the error message.
_COMMON_MISTAKES = {"UK": "GB", "JA": "JP", "USA": "US", "JPN": "JP", "ONPREM": "on-prem", "LOCAL": "on-prem"}


def check_region(value: str, *, allow_on_prem: bool) -> str | None:
    """None when ``value`` is a valid code (or ``on-prem`` where allowed), else the reason with a
    did-you-mean."""
    if value in ALPHA2 or (allow_on_prem and value == ON_PREM):
        return None
    what = "an ISO 3166-1 alpha-2 country code" + (" or 'on-prem'" if allow_on_prem else "")
    hint = _COMMON_MISTAKES.get(value.upper())
    if hint == ON_PREM and not allow_on_prem:
        hint = None  # a jurisdiction is a country's law; on-prem has none
    if hint is None:
        if value.upper() in ALPHA2:
            hint = value.upper()
        else:
            pool = sorted(ALPHA2) + ([ON_PREM] if allow_on_prem else [])
            close = difflib.get_close_matches(value, pool, n=1, cutoff=0.6)
            hint = close[0] if close else None
    return f"{value!r} is not {what}" + (f"; did you mean {hint!r}?" if hint else "")
