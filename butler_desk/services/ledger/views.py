"""Plain dataclasses the ledger service hands to the GUI and CLI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from butler_desk.domain.enums import IdType, PartyRole, UnitStatus


@dataclass(slots=True)
class UnitRow:
    """One line of the 业户台账 table (slots, not frozen: 20,000 are built at every start)."""

    unit_id: int
    code: str
    cluster_id: int
    cluster: str
    building_id: int
    building: str
    entrance: str
    room: str
    status: UnitStatus
    area: Decimal | None
    fee_rate: Decimal | None
    owners: str
    occupants: str
    phone_masked: str
    key_client: bool


@dataclass(frozen=True)
class PhoneView:
    number_masked: str
    kind: str


@dataclass(frozen=True)
class PartyView:
    party_id: int
    name: str
    phones: tuple[PhoneView, ...]
    id_type: IdType | None
    id_number_masked: str
    mailing_address: str
    postcode: str
    key_client: bool
    notes: str


@dataclass(frozen=True)
class OccupancyView:
    occupancy_id: int
    party: PartyView
    role: PartyRole
    start_date: date | None
    end_date: date | None
    moved_in: date | None

    @property
    def current(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of 变更记录: who changed what, when, from what to what."""

    at: datetime
    operator: str
    action: str  # Chinese: 新增 / 修改 / 删除 / 查看
    record: str  # Chinese: 房屋 3-2-1201 / 业户 张三 / 电话 …
    changes: tuple[tuple[str, str, str], ...]  # (field label, old, new)
    entry_id: int | None = None  # the audit row, to reveal its masked values with a reason
    revealable: bool = False  # holds phones or ID numbers shown masked


@dataclass(frozen=True)
class UnitDetail:
    unit_id: int
    code: str
    display: str
    cluster: str
    building_id: int
    entrance: str
    room: str
    status: UnitStatus
    area: Decimal | None
    fee_rate: Decimal | None
    notes: str
    current: tuple[OccupancyView, ...]
    former: tuple[OccupancyView, ...]


@dataclass(frozen=True)
class PartyDetail:
    party: PartyView
    occupancies: tuple[tuple[str, OccupancyView], ...]  # (unit code, occupancy)


@dataclass(frozen=True)
class ClusterView:
    cluster_id: int
    name: str
    butler: str
    buildings: tuple[tuple[int, str], ...]  # (building_id, code)


@dataclass
class UnitInput:
    """What the unit form submits; strings as typed, the service validates them."""

    room_code: str
    cluster: str = ""
    area: str = ""
    fee_rate: str = ""
    status: str = UnitStatus.VACANT.label
    notes: str = ""
    unit_id: int | None = None


@dataclass
class PartyInput:
    """What the party form submits; strings as typed, the service validates them."""

    name: str
    phones: str = ""
    id_type: str = IdType.RESIDENT_ID.label
    id_number: str = ""
    mailing_address: str = ""
    postcode: str = ""
    key_client: bool = False
    notes: str = ""
    party_id: int | None = None
    # Phones and ID numbers are shown masked; an unchanged masked value means "keep".
    keep_masked: bool = True


@dataclass(frozen=True)
class LedgerCounts:
    units: int
    by_status: dict[UnitStatus, int] = field(default_factory=dict)
    key_clients: int = 0


@dataclass
class EstateInfo:
    """The estate and its service centre, printed on every letter, notice and envelope."""

    name: str = ""
    company_name: str = ""
    service_center: str = "物业服务中心"
    address: str = ""
    postcode: str = ""
    phone: str = ""
