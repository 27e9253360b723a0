"""The sender and the addressee of printed letters: plain records, free of reportlab.

Services build these while the app starts (the document register, recipients); keeping them
apart from the renderers keeps reportlab out of start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class CompanyInfo:
    """The sender on every page: company, estate and the service centre's contact details."""

    name: str
    estate: str = ""
    service_centre: str = "物业服务中心"
    phone: str = ""
    address: str = ""
    postcode: str = ""

    @classmethod
    def coerce(cls, value: CompanyInfo | Mapping[str, object]) -> CompanyInfo:
        if isinstance(value, CompanyInfo):
            return value
        known = {f.name for f in fields(cls)}
        unknown = set(value) - known
        if unknown:
            raise TypeError(f"unknown company keys: {sorted(unknown)}")
        return cls(**{k: "" if v is None else str(v) for k, v in value.items()})  # type: ignore[arg-type]

    def placeholders(self) -> dict[str, str]:
        """Names usable in form and notice text as {company}, {estate}, {service_centre}, …"""
        return {
            "company": self.name,
            "estate": self.estate,
            "service_centre": self.service_centre,
            "service_phone": self.phone,
            "company_address": self.address,
            "company_postcode": self.postcode,
        }


@dataclass(frozen=True)
class Recipient:
    """One household a letter and its envelope go to.

    ``address``/``postcode`` are the mailing address the caller chose (the owner's own address
    when they do not live in the unit); an empty address means hand delivery in the estate.
    """

    name: str = ""
    room: str = ""
    address: str = ""
    postcode: str = ""
    salutation: str = ""  # overrides the default "张三业主"

    @classmethod
    def coerce(cls, value: Recipient | Mapping[str, object]) -> Recipient:
        if isinstance(value, Recipient):
            return value
        known = {f.name for f in fields(cls)}
        return cls(**{k: "" if v is None else str(v) for k, v in value.items() if k in known})  # type: ignore[arg-type]

    def addressee(self) -> str:
        """Who the letter greets: the salutation given, else 张三先生/女士 (the gender is never guessed)."""
        if self.salutation:
            return self.salutation
        name = self.name.strip()
        if not name:
            return f"{self.room} 业主" if self.room else "业主"
        if name.endswith(("先生", "女士", "业主", "公司", "单位")):
            return name
        return f"{name}先生/女士"
