"""A small estate built through the ledger service, with every delivery case of DOMAIN.md in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from butler_desk.domain.enums import PartyRole
from butler_desk.reporting import missing_glyphs
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.storage import repositories as repo

RARE_CHAR = "𰻞"  # CJK Extension G (biáng): in no font of a stock Debian or Windows install
ESTATE = {"name": "翠湖花园", "company_name": "安居物业服务有限公司", "service_center": "翠湖花园物业服务中心",
          "address": "深圳市龙岗区翠湖路88号", "postcode": "518116", "phone": "0755-28881234"}


@dataclass(frozen=True)
class SmallEstate:
    """Unit ids by canonical code, and party ids by name."""

    units: dict[str, int]
    parties: dict[str, int]
    # Room order of the units with someone to write to, as letters, envelopes and sheet must follow.
    order: tuple[str, ...] = ("3-1-101", "3-2-202", "3-2-1001", "3-2-1201", "3-2-1202", "10-1-101")


def build_small_estate(ctx) -> SmallEstate:
    ledger = LedgerService(ctx)
    units: dict[str, int] = {}
    parties: dict[str, int] = {}

    def unit(code: str, cluster: str, status: str) -> int:
        units[code] = ledger.save_unit(UnitInput(room_code=code, cluster=cluster, area="89.5", fee_rate="2.8",
                                                 status=status))
        return units[code]

    def person(unit_id: int, role: PartyRole, name: str, phone: str, *, moved_in: date | None = None,
               address: str = "", postcode: str = "", key: bool = False) -> None:
        data = PartyInput(name=name, phones=phone, mailing_address=address, postcode=postcode, key_client=key)
        occupancy = ledger.move_in(unit_id, role, data, on=date(2023, 5, 1), moved_in=moved_in)
        parties[name] = ledger.unit_detail(unit_id).current[-1].party.party_id
        assert occupancy

    # Entered out of order on purpose: the batch must come out in room order anyway.
    occupied = unit("3-2-1201", "一组团", "已入住")
    person(occupied, PartyRole.OWNER, "张三", "13812345678", moved_in=date(2023, 6, 1))
    absent = unit("3-2-1202", "一组团", "空置")
    person(absent, PartyRole.OWNER, "赵六", "13912345678", address="北京市朝阳区建国路1号", postcode="100022")
    let = unit("3-2-202", "一组团", "出租")
    person(let, PartyRole.OWNER, "李四", "13712345678", address="上海市浦东新区世纪大道100号", postcode="200120")
    person(let, PartyRole.TENANT, "王五", "13612345678", moved_in=date(2024, 3, 1))
    key = unit("3-1-101", "一组团", "已入住")
    person(key, PartyRole.OWNER, "钱七", "13512345678", moved_in=date(2023, 7, 1), key=True)
    no_address = unit("3-2-1001", "一组团", "已交房未入住")
    person(no_address, PartyRole.OWNER, "孙八", "13412345678")
    rare = unit("10-1-101", "二组团", "已入住")
    person(rare, PartyRole.OWNER, f"王{RARE_CHAR}", "13312345678", moved_in=date(2023, 8, 1))
    unit("5-1-301", "二组团", "空置")  # unsold: nobody to write to
    with ctx.db.unit_of_work("测试") as session:
        estate = repo.first_estate(session)
        for key_name, value in ESTATE.items():
            setattr(estate, key_name, value)
    return SmallEstate(units, parties)


@pytest.fixture
def estate(ctx) -> SmallEstate:
    return build_small_estate(ctx)


@pytest.fixture
def rare_char() -> str:
    if not missing_glyphs([RARE_CHAR]):
        pytest.skip(f"a font on this machine prints {RARE_CHAR}; the warning cannot be provoked")
    return RARE_CHAR
