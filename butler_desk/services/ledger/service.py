"""The resident ledger (业户台账): units and parties, moves, owner changes, history, masked data."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from butler_desk.domain import clock
from butler_desk.domain.contacts import parse_phones, validate_id_number, validate_postcode
from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput, for_field
from butler_desk.domain.masking import mask_id_number, mask_phone
from butler_desk.domain.money import check_area, check_fee_rate, from_stored, to_hundredths
from butler_desk.domain.rooms import RoomCode, parse_room_code
from butler_desk.domain.text import clean_text
from butler_desk.services.context import AppContext
from butler_desk.services.ledger.history import REVEAL_HISTORY_FIELD, history_entry
from butler_desk.services.ledger.index import LedgerIndex, build_index, first_rows
from butler_desk.services.ledger.views import (
    ClusterView,
    EstateInfo,
    HistoryEntry,
    LedgerCounts,
    OccupancyView,
    PartyDetail,
    PartyInput,
    PartyView,
    PhoneView,
    UnitDetail,
    UnitInput,
    UnitRow,
)
from butler_desk.storage import repositories as repo
from butler_desk.storage.audit import record_event
from butler_desk.storage.models import AuditEntry, Building, Cluster, Estate, Occupancy, Party, Phone, Unit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_CLUSTER = "默认组团"

def parse_area(text: str) -> int | None:
    """'89.5' / '89.50㎡' → 8950 (hundredths of m², 四舍五入, limits in domain.money); '' → None."""
    value = clean_text(text).replace("㎡", "").replace("m²", "").replace("平方米", "").replace("平米", "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadInput(f"建筑面积“{text}”不是数字，请填写如 89.50", field="area") from None
    return to_hundredths(check_area(number))


def parse_fee_rate(text: str) -> int | None:
    """'2.5' / '2.50元' → 250 (分/㎡·月, 四舍五入, limits in domain.money); '' → None."""
    value = clean_text(text).replace("元/㎡", "").replace("元", "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadInput(f"物业费单价“{text}”不是数字，请填写如 2.50（元/㎡·月）", field="fee_rate") from None
    return to_hundredths(check_fee_rate(number))


def room_sort_key(code: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("-"))


def party_view(party: Party) -> PartyView:
    return PartyView(
        party_id=party.id,
        name=party.name,
        phones=tuple(PhoneView(mask_phone(p.number), p.kind) for p in party.phones),
        id_type=IdType(party.id_type) if party.id_type else None,
        id_number_masked=mask_id_number(party.id_number or ""),
        mailing_address=party.mailing_address,
        postcode=party.postcode,
        key_client=party.key_client,
        notes=party.notes,
    )


def occupancy_view(occ: Occupancy) -> OccupancyView:
    return OccupancyView(occ.id, party_view(occ.party), PartyRole(occ.role), occ.start_date, occ.end_date, occ.moved_in)


class LedgerService:
    """Every public method is one unit of work and returns plain dataclasses."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ----- reading -------------------------------------------------------------------
    def load_index(self) -> LedgerIndex:
        """All units with their current people, ready for filtering and search as you type."""
        with self.ctx.db.reading() as session:
            return build_index(session)

    def first_rows(self, limit: int = 200) -> list[UnitRow]:
        """The first screen of the ledger, in its order, without building the whole index."""
        with self.ctx.db.reading() as session:
            return first_rows(session, limit)

    def clusters(self) -> list[ClusterView]:
        with self.ctx.db.reading() as session:
            buildings: dict[int, list[tuple[int, str]]] = defaultdict(list)
            for bid, cid, code in repo.building_rows(session):
                buildings[cid].append((bid, code))
            return [
                ClusterView(c.id, c.name, c.butler, tuple(sorted(buildings[c.id], key=lambda b: room_sort_key(b[1]))))
                for c in repo.clusters_in_order(session)
            ]

    def estate_name(self) -> str:
        with self.ctx.db.reading() as session:
            return repo.estate_name(session)

    def estate_info(self) -> EstateInfo:
        with self.ctx.db.reading() as session:
            estate = repo.first_estate(session)
            if estate is None:
                return EstateInfo()
            return EstateInfo(estate.name, estate.company_name, estate.service_center, estate.address,
                              estate.postcode, estate.phone)

    def save_estate(self, info: EstateInfo) -> None:
        """小区信息: validated, audited; letters and envelopes print it as the sender."""
        name = clean_text(info.name)
        if not name:
            raise BadInput("请填写小区名称", field="name")
        postcode = clean_text(info.postcode)
        with for_field("postcode"):
            postcode = validate_postcode(postcode) if postcode else ""
        phone = clean_text(info.phone)
        if phone:
            from butler_desk.domain.contacts import normalize_phone

            with for_field("phone"):
                phone = normalize_phone(phone).number
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            estate = ensure_estate(session, name)
            estate.name = name
            estate.company_name = clean_text(info.company_name)
            estate.service_center = clean_text(info.service_center) or "物业服务中心"
            estate.address = clean_text(info.address)
            estate.postcode = postcode
            estate.phone = phone

    def counts(self) -> LedgerCounts:
        with self.ctx.db.reading() as session:
            by_status = {UnitStatus(s): n for s, n in repo.unit_status_counts(session).items()}
            key = repo.key_client_unit_count(session)
            return LedgerCounts(units=sum(by_status.values()), by_status=by_status, key_clients=key)

    def unit_detail(self, unit_id: int) -> UnitDetail:
        with self.ctx.db.reading() as session:
            unit = self._unit(session, unit_id)
            occs = sorted(unit.occupancies, key=lambda o: (list(PartyRole).index(PartyRole(o.role)), o.id))
            code = RoomCode(unit.building.code, unit.entrance, unit.room)
            return UnitDetail(
                unit_id=unit.id, code=unit.code, display=code.display, cluster=unit.building.cluster.name,
                building_id=unit.building_id, entrance=unit.entrance, room=unit.room,
                status=UnitStatus(unit.status), area=from_stored(unit.area_centi),
                fee_rate=from_stored(unit.fee_rate_fen), notes=unit.notes,
                current=tuple(occupancy_view(o) for o in occs if o.end_date is None),
                former=tuple(occupancy_view(o) for o in occs if o.end_date is not None),
            )

    def party_detail(self, party_id: int) -> PartyDetail:
        with self.ctx.db.reading() as session:
            party = self._party(session, party_id)
            occs = sorted(party.occupancies, key=lambda o: (o.end_date is not None, o.id))
            return PartyDetail(party_view(party), tuple((o.unit.code, occupancy_view(o)) for o in occs))

    def unit_history(self, unit_id: int) -> list[HistoryEntry]:
        with self.ctx.db.reading() as session:
            return [history_entry(e) for e in repo.history_of_unit_and_people(session, unit_id)]

    def party_history(self, party_id: int) -> list[HistoryEntry]:
        with self.ctx.db.reading() as session:
            return [history_entry(e) for e in repo.history(session, party_id=party_id)]

    @staticmethod
    def check_party_input(data: PartyInput) -> None:
        """Validate a person's form without saving (raises BadInput naming the field).

        Lets a dialog holding several people (过户 to joint owners) show the error on the
        right person's form before one transaction saves them all.
        """
        apply_party_input(Party(), data)

    # ----- revealing masked data (recorded) ---------------------------------------------
    def reveal_phones(self, party_id: int, reason: str = "") -> list[str]:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            party = self._party(session, party_id)
            record_event(session, "reveal", "parties", party.id, party.name, party_id=party.id,
                         detail={"field": "电话", "reason": reason})
            return [p.number for p in party.phones]

    def reveal_history_entry(self, entry_id: int, reason: str) -> HistoryEntry:
        """One line of 变更记录 with its phones and ID numbers in clear; the asking is recorded.

        Recorded like 查看电话, with the operator and the reason, against the same unit and
        person as the change, so it shows in the same history.
        """
        reason = reason.strip()
        if not reason:
            raise BadInput("请填写查看原因", field="reason")
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            entry = session.get(AuditEntry, entry_id)
            if entry is None:
                raise BadInput("找不到这条变更记录，请刷新后重试")
            record_event(session, "reveal", entry.table_name, entry.record_id, entry.record_label,
                         unit_id=entry.unit_id, party_id=entry.party_id,
                         detail={"field": REVEAL_HISTORY_FIELD, "reason": reason, "entry": entry.id})
            return history_entry(entry, masked=False)

    def reveal_id_number(self, party_id: int, reason: str = "") -> str:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            party = self._party(session, party_id)
            record_event(session, "reveal", "parties", party.id, party.name, party_id=party.id,
                         detail={"field": "证件号码", "reason": reason})
            return party.id_number or ""

    # ----- writing ----------------------------------------------------------------------
    def save_unit(self, data: UnitInput) -> int:
        """Create or update a unit; creates the building (and cluster) a new room code names."""
        code = parse_room_code(data.room_code) if data.room_code.strip() else None
        if code is None:
            raise BadInput("请填写房号，如 3-2-1201 或 3栋2单元1201", field="room_code")
        area = parse_area(data.area)
        fee = parse_fee_rate(data.fee_rate)
        with for_field("status"):
            status = UnitStatus.parse(data.status)
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            clash = repo.unit_id_by_code(session, code.code)
            if clash is not None and clash != data.unit_id:
                raise BadInput(f"房号 {code.display} 已存在，请检查是否重复录入", field="room_code")
            building = ensure_building(session, code.building, clean_text(data.cluster))
            unit = self._unit(session, data.unit_id) if data.unit_id else Unit()
            unit.building_id = building.id
            unit.entrance, unit.room, unit.code = code.unit, code.room, code.code
            unit.area_centi, unit.fee_rate_fen, unit.status = area, fee, status.value
            unit.notes = clean_text(data.notes)
            session.add(unit)
            session.flush()
            return unit.id

    def save_party(self, data: PartyInput) -> int:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            party = self._party(session, data.party_id) if data.party_id else Party()
            apply_party_input(party, data)
            session.add(party)
            session.flush()
            return party.id

    def move_in(self, unit_id: int, role: PartyRole, person: PartyInput | int, on: date | None = None,
                moved_in: date | None = None) -> int:
        """Add an owner, tenant or family member to a unit (a new party or an existing one)."""
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            unit = self._unit(session, unit_id)
            if isinstance(person, int):
                party = self._party(session, person)
            else:
                party = Party()
                apply_party_input(party, person)
                session.add(party)
                session.flush()
            already = [o for o in unit.occupancies if o.party_id == party.id and o.end_date is None and o.role == role.value]
            if already:
                raise BadInput(f"{party.name} 已是 {unit.code} 的{role.label}", field="name")
            occ = Occupancy(unit_id=unit.id, party_id=party.id, role=role.value, start_date=on or clock.today(), moved_in=moved_in)
            session.add(occ)
            # Someone living there changes what the unit is: a tenant means 出租, an owner
            # moving in turns an empty unit into 已入住.
            if role is PartyRole.TENANT and unit.status != UnitStatus.LET.value:
                unit.status = UnitStatus.LET.value
            elif role is PartyRole.OWNER and moved_in and unit.status in (UnitStatus.VACANT.value, UnitStatus.HANDED_OVER.value):
                unit.status = UnitStatus.OCCUPIED.value
            session.flush()
            return occ.id

    def move_out(self, occupancy_id: int, on: date | None = None) -> None:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            occ = session.get(Occupancy, occupancy_id)
            if occ is None:
                raise BadInput("找不到该入住记录，可能已被他人修改，请刷新后重试")
            if occ.end_date is not None:
                raise BadInput(f"{occ.party.name} 已于 {occ.end_date} 迁出")
            end = on or clock.today()
            if occ.start_date and end < occ.start_date:
                raise BadInput(f"迁出日期 {end} 早于起始日期 {occ.start_date}，请检查日期", field="date")
            occ.end_date = end
            unit = occ.unit
            still_tenants = any(o.end_date is None and o.role == PartyRole.TENANT.value and o.id != occ.id for o in unit.occupancies)
            if occ.role == PartyRole.TENANT.value and not still_tenants and unit.status == UnitStatus.LET.value:
                unit.status = UnitStatus.HANDED_OVER.value

    def change_owner(self, unit_id: int, new_owners: list[PartyInput | int], on: date | None = None) -> list[int]:
        """过户: end every current ownership of the unit and start the new owners' on the same day."""
        if not new_owners:
            raise BadInput("请至少填写一位新业主", field="name")
        day = on or clock.today()
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            unit = self._unit(session, unit_id)
            for occ in unit.occupancies:
                if occ.end_date is None and occ.role in (PartyRole.OWNER.value, PartyRole.FAMILY.value):
                    if occ.start_date and day < occ.start_date:
                        raise BadInput(f"过户日期 {day} 早于原业主的起始日期 {occ.start_date}", field="date")
                    occ.end_date = day
            ids = []
            for person in new_owners:
                if isinstance(person, int):
                    party = self._party(session, person)
                else:
                    party = Party()
                    apply_party_input(party, person)
                    session.add(party)
                    session.flush()
                occ = Occupancy(unit_id=unit.id, party_id=party.id, role=PartyRole.OWNER.value, start_date=day)
                session.add(occ)
                session.flush()
                ids.append(occ.id)
            return ids

    # ----- helpers ----------------------------------------------------------------------
    @staticmethod
    def _unit(session: Session, unit_id: int | None) -> Unit:
        unit = session.get(Unit, unit_id) if unit_id is not None else None
        if unit is None:
            raise BadInput("找不到该房屋，可能已被删除，请刷新列表")
        return unit

    @staticmethod
    def _party(session: Session, party_id: int | None) -> Party:
        party = session.get(Party, party_id) if party_id is not None else None
        if party is None:
            raise BadInput("找不到该业户，可能已被删除，请刷新列表")
        return party


def ensure_estate(session: Session, name: str = "") -> Estate:
    estate = repo.first_estate(session)
    if estate is None:
        estate = Estate(name=name or "本小区")
        session.add(estate)
        session.flush()
    return estate


def ensure_building(session: Session, building_code: str, cluster_name: str = "") -> Building:
    building = repo.building_by_code(session, building_code)
    if building is not None:
        if cluster_name and building.cluster.name != cluster_name:
            raise BadInput(f"{building_code}栋属于组团“{building.cluster.name}”，不是“{cluster_name}”", field="cluster")
        return building
    estate = ensure_estate(session)
    name = cluster_name or DEFAULT_CLUSTER
    cluster = repo.cluster_by_name(session, estate.id, name)
    if cluster is None:
        cluster = Cluster(estate_id=estate.id, name=name)
        session.add(cluster)
        session.flush()
    building = Building(cluster_id=cluster.id, code=building_code)
    session.add(building)
    session.flush()
    return building


def apply_party_input(party: Party, data: PartyInput) -> None:
    """Validate the party form and copy it onto ``party``; BadInput names the field at fault."""
    name = clean_text(data.name)
    if not name:
        raise BadInput("请填写姓名", field="name")
    if len(name) > 50:
        raise BadInput("姓名过长（最多 50 字）", field="name")
    phones_text = clean_text(data.phones)
    keep_phones = data.keep_masked and party.id is not None and phones_text == "、".join(mask_phone(p.number) for p in party.phones)
    if not keep_phones:
        with for_field("phones"):
            numbers = parse_phones(phones_text) if phones_text else []
        existing = {p.number: p for p in party.phones}
        party.phones = [existing.get(n.number) or Phone(number=n.number, kind=n.kind) for n in numbers]
        for position, phone in enumerate(party.phones):
            phone.position = position
    with for_field("id_type"):
        id_type = IdType.parse(data.id_type) if clean_text(data.id_type) else IdType.RESIDENT_ID
    id_text = clean_text(data.id_number)
    keep_id = data.keep_masked and party.id is not None and party.id_number and id_text == mask_id_number(party.id_number)
    if not keep_id:
        with for_field("id_number"):
            party.id_number = validate_id_number(id_text, id_type) if id_text else None
        party.id_type = id_type.value if id_text else None
    postcode = clean_text(data.postcode)
    with for_field("postcode"):
        party.postcode = validate_postcode(postcode) if postcode else ""
    party.name = name
    party.mailing_address = clean_text(data.mailing_address)
    party.key_client = bool(data.key_client)
    party.notes = (data.notes or "").strip()
    from butler_desk.domain.names import name_search_keys  # pypinyin: 0.3 s to import, not needed to start

    party.search_keys = " ".join(name_search_keys(name))
