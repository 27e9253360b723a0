"""Which households a document goes to: selection by cluster, building, room list or status, addressee,
delivery method and envelope address, in room order (the order of letters, envelopes and sign-off sheet).

The rules of who and how are in ``domain.documents``; this module reads the ledger for them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from butler_desk.domain.documents import (
    SALUTATION_STYLES,
    Audience,
    DeliveryMethod,
    DocumentKind,
    Occupant,
    audience_for,
    plan_delivery,
    salutation_for,
)
from butler_desk.domain.enums import PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput, for_field
from butler_desk.domain.masking import mask_phone
from butler_desk.domain.rooms import RoomCode, parse_room_code
from butler_desk.domain.text import clean_text
from butler_desk.reporting.records import CompanyInfo, Recipient
from butler_desk.services.context import AppContext
from butler_desk.services.settings import SETTINGS, SettingSpec, read_settings, write_setting
from butler_desk.storage import repositories as repo
from butler_desk.storage import repositories_documents as docs_repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

LETTER_SALUTATION = "letter_salutation"


def _check_salutation(value: Any) -> str:
    text = clean_text(str(value or ""))
    for key, label in SALUTATION_STYLES.items():
        if text in (key, label, label.split("：")[0]):
            return key
    raise BadInput(f"信件称呼应为 {'、'.join(f'{k}（{v}）' for k, v in SALUTATION_STYLES.items())} 之一。",
                   field=LETTER_SALUTATION)


SETTINGS.setdefault(LETTER_SALUTATION, SettingSpec("信件称呼", "name", _check_salutation))

_LIST_SPLIT = re.compile(r"[,，、;；\s]+")
_BUILDING_SUFFIX = re.compile(r"(号楼|栋|幢|座|号|#)$")


def split_list(text: str | Iterable[str]) -> tuple[str, ...]:
    """"3,5" / "3、5" / ["3", "5"] → ("3", "5"); blanks dropped."""
    items = [text] if isinstance(text, str) else list(text)
    return tuple(p for item in items for p in _LIST_SPLIT.split(clean_text(item)) if p)


@dataclass(frozen=True)
class Selection:
    """Which units: every kind of filter given must match; within one filter, any value does.

    Room codes may be written any way ``parse_room_code`` reads (3-2-1201, 3栋2单元1201…);
    buildings as "3" or "3栋"; statuses by any label or synonym (空置, 已入住…).
    ``everyone`` must be set to select the whole estate, so an empty form never prints
    2,000 letters by accident.
    """

    clusters: tuple[str, ...] = ()
    buildings: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    everyone: bool = False

    @property
    def empty(self) -> bool:
        return not (self.clusters or self.buildings or self.units or self.statuses)

    def describe(self) -> str:
        """How the register shows the scope: "3栋、5栋；空置"."""
        if self.empty:
            return "全部房屋"
        parts = []
        if self.clusters:
            parts.append("、".join(self.clusters))
        if self.buildings:
            parts.append("、".join(f"{_building_code(b)}栋" for b in self.buildings))
        if self.units:
            shown = [parse_room_code(u).display for u in self.units[:5]]
            parts.append("、".join(shown) + (f"等 {len(self.units)} 户" if len(self.units) > 5 else ""))
        if self.statuses:
            parts.append("、".join(UnitStatus.parse(s).label for s in self.statuses))
        return "；".join(parts)[:300]


@dataclass(frozen=True)
class Household:
    """One household of a batch: the unit, the addressee, and how the copy gets there."""

    seq: int
    unit_id: int
    unit_code: str  # 3-2-1201
    room: str  # 3栋2单元1201
    cluster: str
    status: UnitStatus
    party_id: int
    addressee: str
    role: PartyRole
    salutation: str  # 张三先生/女士, or 3-2-1201 业主 (the letter_salutation setting)
    resident: bool
    method: DeliveryMethod
    address: str  # mailing address when posted, "" by hand
    postcode: str
    envelope_address: str  # what the envelope shows: the mailing address, or estate + room
    key_client: bool
    phone_masked: str
    note: str = ""

    def recipient(self) -> Recipient:
        return Recipient(name=self.addressee, room=self.room, address=self.address, postcode=self.postcode,
                         salutation=self.salutation)


@dataclass(frozen=True)
class HouseholdList:
    """The households of a selection in room order, and the units left out with the reason."""

    households: tuple[Household, ...]
    skipped: tuple[str, ...] = ()
    scope: str = ""
    by_method: dict[DeliveryMethod, int] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """Everything the butler should read before handing the batch out."""
        return [f"{h.room}：{h.note}" for h in self.households if h.note] + list(self.skipped)

    def summary(self) -> str:
        """"共 92 户：随安防派送 80 户，邮寄 12 户"."""
        counts = "，".join(f"{m.label} {self.by_method[m]} 户" for m in DeliveryMethod if m in self.by_method)
        return f"共 {len(self.households)} 户：{counts}" if counts else "共 0 户"


def company_info(session: Session) -> CompanyInfo:
    """The sender printed on every page and envelope, from the estate's record."""
    estate = repo.first_estate(session)
    if estate is None:
        raise BadInput("还没有小区资料：请先在“业户台账”中录入或导入房屋。")
    return CompanyInfo(name=estate.company_name or estate.name, estate=estate.name,
                       service_centre=estate.service_center or "物业服务中心", phone=estate.phone,
                       address=estate.address, postcode=estate.postcode)


def estate_placeholders(ctx: AppContext) -> dict[str, str]:
    """{company}, {service_phone}… from 小区信息, for the defaults of notice fields; {} before it is filled."""
    with ctx.db.reading() as session:
        if repo.first_estate(session) is None:
            return {}
        return company_info(session).placeholders()


def _building_code(text: str) -> str:
    value = _BUILDING_SUFFIX.sub("", clean_text(text).replace(" ", "")).upper()
    return value.lstrip("0") or value


class RecipientService:
    """Resolves a selection into households; read-only, one session per call."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def households(self, selection: Selection, kind: DocumentKind = DocumentKind.OTHER, *,
                   hand_method: DeliveryMethod | None = None, audience: Audience | None = None) -> HouseholdList:
        """The households ``selection`` names, addressed for ``kind`` (owners or occupants), in room order."""
        with self.ctx.db.reading() as session:
            return resolve(session, selection, kind, hand_method=hand_method, audience=audience)

    def company(self) -> CompanyInfo:
        with self.ctx.db.reading() as session:
            return company_info(session)

    def salutation_style(self) -> str:
        """How letters greet: "name" (尊敬的陈明博先生/女士) or "room" (尊敬的 3-2-1101 业主)."""
        with self.ctx.db.reading() as session:
            return str(read_settings(session)[LETTER_SALUTATION])

    def set_salutation_style(self, style: str) -> str:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            return str(write_setting(session, LETTER_SALUTATION, style))


def resolve(session: Session, selection: Selection, kind: DocumentKind, *,
            hand_method: DeliveryMethod | None = None, audience: Audience | None = None) -> HouseholdList:
    """``RecipientService.households`` inside the caller's session (the notice batch uses it)."""
    if selection.empty and not selection.everyone:
        raise BadInput("请选择发放范围：组团、楼栋、房号或房屋状态（全部房屋请明确选择“全部”）。", field="selection")
    clusters, buildings, codes, statuses = _checked_filters(session, selection)
    rows = docs_repo.selected_units(session, clusters=clusters, buildings=buildings, codes=codes, statuses=statuses)
    if not rows:
        raise BadInput(f"所选范围（{selection.describe()}）内没有房屋，请调整选择。", field="selection")
    rooms = {r[0]: RoomCode(r[2], r[3], r[4]) for r in rows}
    rows.sort(key=lambda r: rooms[r[0]].sort_key)
    people: dict[int, list[Occupant]] = defaultdict(list)
    for unit_id, role, moved_in, party_id, name, key_client, address, postcode in docs_repo.current_occupants(
            session, [r[0] for r in rows]):
        people[unit_id].append(Occupant(party_id, name, PartyRole(role), moved_in, bool(key_client),
                                        address or "", postcode or ""))
    estate = repo.estate_name(session)
    style = str(read_settings(session)[LETTER_SALUTATION])
    audience = audience or audience_for(kind)
    planned = []
    skipped: list[str] = []
    for unit_id, code, _b, _e, _r, status_value, cluster in rows:
        status = UnitStatus(status_value)
        plan = plan_delivery(status, people[unit_id], kind, hand_method, audience)
        if plan is None:
            who = "业主" if audience is Audience.OWNERS else "业主或住户"
            skipped.append(f"{rooms[unit_id].display}：台账中没有{who}资料，未生成信件（{status.label}）")
            continue
        planned.append((unit_id, code, cluster, status, plan))
    phones = docs_repo.first_phones(session, [p.addressee.party_id for *_, p in planned])
    households = []
    by_method: dict[DeliveryMethod, int] = {}
    for seq, (unit_id, code, cluster, status, plan) in enumerate(planned, start=1):
        person = plan.addressee
        room = rooms[unit_id].display
        phone = phones.get(person.party_id, "")
        by_method[plan.method] = by_method.get(plan.method, 0) + 1
        households.append(Household(
            seq=seq, unit_id=unit_id, unit_code=code, room=room, cluster=cluster, status=status,
            party_id=person.party_id, addressee=person.name, role=person.role,
            salutation=salutation_for(person, style, code),
            resident=plan.resident, method=plan.method, address=plan.address, postcode=plan.postcode,
            envelope_address=plan.address or f"{estate}{room}", key_client=person.key_client,
            phone_masked=mask_phone(phone) if phone else "", note=plan.note,
        ))
    return HouseholdList(tuple(households), tuple(skipped), selection.describe(), by_method)


def _checked_filters(session: Session, selection: Selection) -> tuple[list[str], list[str], list[str], list[str]]:
    """The selection in stored spellings; anything that names nothing in the ledger is refused by name."""
    clusters = [clean_text(c) for c in selection.clusters if clean_text(c)]
    known_clusters = docs_repo.cluster_names(session)
    unknown = [c for c in clusters if c not in known_clusters]
    if unknown:
        raise BadInput(f"没有组团“{'、'.join(unknown)}”：现有组团为 {'、'.join(known_clusters) or '（无）'}。",
                       field="clusters")
    buildings = [_building_code(b) for b in selection.buildings if clean_text(b)]
    known_buildings = set(docs_repo.building_codes(session))
    unknown = [b for b in buildings if b not in known_buildings]
    if unknown:
        raise BadInput(f"没有楼栋 {'、'.join(f'{b}栋' for b in unknown)}：请检查楼栋号。", field="buildings")
    codes = []
    for text in selection.units:
        with for_field("units"):
            codes.append(parse_room_code(text).code)
    missing = sorted(set(codes) - docs_repo.unit_codes_known(session, codes))
    if missing:
        raise BadInput(f"台账中没有这些房号：{'、'.join(missing[:10])}{'等' if len(missing) > 10 else ''}，请检查。",
                       field="units")
    statuses = []
    for text in selection.statuses:
        with for_field("statuses"):
            statuses.append(UnitStatus.parse(text).value)
    return clusters, buildings, codes, statuses

