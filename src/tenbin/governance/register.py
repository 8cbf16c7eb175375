"""The vendor register (``governance.vendors``): who receives the data and on what legal basis.

APPI Art. 28 allows providing personal data to a third party in a foreign country only on one of
three bases — the person's consent, a recipient with a system meeting the PPC's standards
(基準適合体制, Art. 28(1) with Rule 16; the provider must then check it periodically, Art. 28(3)),
or a country the PPC recognises as equivalent (EEA members and the UK) — and the record kept
under Art. 29 must name the recipient. The audit chain knows only the provider's name; the
register, one entry per provider, supplies the facts a reviewer signs: legal entity, country,
basis, contract and last review dates, retention and training terms.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tenbin.config.iso3166 import check_region

LegalBasis = Literal["consent", "equivalent_measures", "adequate_country", "entrustment", "in_house"]

# The PPC's list under Rule 15 (as of 2023): the EEA member states and the United Kingdom.
_PPC = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB"
PPC_RECOGNISED: frozenset[str] = frozenset(_PPC.split())

BASIS_JA: dict[str, str] = {
    "consent": "本人の同意（法第28条第1項）",
    "equivalent_measures": "基準適合体制の整備（法第28条第1項・規則第16条）",
    "adequate_country": "個人情報保護委員会が認める国（法第28条第1項・規則第15条）",
    "entrustment": "委託（法第27条第5項第1号、国内）",
    "in_house": "自社内での処理（第三者提供に当たらない）",
}


class Vendor(BaseModel):
    """One recipient, keyed by the provider name the audit records (``providers.<name>``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    legal_entity: str = Field(min_length=1, description="the contracting company, e.g. 'Anthropic, PBC'")
    country: str = Field(description="ISO 3166-1 alpha-2 country of the legal entity")
    legal_basis: LegalBasis
    contract_date: dt.date
    last_review: dt.date | None = Field(default=None, description="last Art. 28(3) check of its measures")
    retention: str = Field(min_length=1, description="how long the vendor keeps prompts and answers")
    training: str = Field(min_length=1, description="whether the vendor trains on the data")
    notes: str | None = None

    @field_validator("country")
    @classmethod
    def _iso(cls, v: str) -> str:
        why = check_region(v, allow_on_prem=False)
        if why:
            raise ValueError(why)
        return v

    @model_validator(mode="after")
    def _basis_fits(self) -> Vendor:
        if self.legal_basis == "adequate_country" and self.country not in PPC_RECOGNISED:
            raise ValueError(f"legal_basis adequate_country: {self.country} is not a country the PPC recognises "
                             "(EEA members and GB); use equivalent_measures or consent")
        if self.legal_basis == "equivalent_measures" and self.last_review is None:
            raise ValueError("legal_basis equivalent_measures needs last_review: Art. 28(3) requires checking "
                             "the recipient's measures periodically")
        if self.last_review is not None and self.last_review < self.contract_date:
            raise ValueError("last_review is before contract_date")
        return self

    @property
    def basis_ja(self) -> str:
        return BASIS_JA[self.legal_basis]

    def review_due(self, max_age_days: int) -> dt.date | None:
        """The last day a transfer may rely on the last review (None: no periodic review needed)."""
        if self.legal_basis != "equivalent_measures" or self.last_review is None:
            return None
        return self.last_review + dt.timedelta(days=max_age_days)
