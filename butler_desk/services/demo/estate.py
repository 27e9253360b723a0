"""The demo estate: a deterministic, realistic 小区 for trying the app, the tests and the benchmarks."""

from __future__ import annotations

import math
import os
import random
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from butler_desk.domain.contacts import id_check_char
from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.names import name_search_keys
from butler_desk.domain.rooms import code_sort_text
from butler_desk.services.demo import names as data
from butler_desk.services.demo.documents import add_demo_documents
from butler_desk.services.context import AppContext
from butler_desk.services.demo.requests import add_demo_requests
from butler_desk.services.maintenance import open_context
from butler_desk.storage import repositories as repo
from butler_desk.storage.audit import record_event
from butler_desk.storage.database import open_database
from butler_desk.storage.desk_lock import lock_path_for
from butler_desk.storage.files import Lease, abandoned, fsync_dir, fsync_file
from butler_desk.storage.models import Building, Cluster, Estate, Occupancy, Party, Phone, Staff, Unit

OPERATOR = "演示数据"
BUILDING = ".building-"  # a demo file being built: ".demo.sqlite3.building-<token>", beside the target
LEASE_SUFFIX = ".lease"  # held by the build while it runs; a lease nobody holds marks a killed build
# Shares of unit status in the demo (about 15% vacant, as the brief asks).
STATUS_WEIGHTS = (
    (UnitStatus.VACANT, 15), (UnitStatus.HANDED_OVER, 5), (UnitStatus.RENOVATING, 3),
    (UnitStatus.LET, 12), (UnitStatus.OCCUPIED, 65),
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "199")


@dataclass(frozen=True)
class DemoStats:
    clusters: int
    buildings: int
    units: int
    parties: int
    by_status: dict[str, int]

    def __str__(self) -> str:
        status = "，".join(f"{k} {v}" for k, v in self.by_status.items())
        return f"组团 {self.clusters} 个，楼栋 {self.buildings} 栋，房屋 {self.units} 户（{status}），业户 {self.parties} 人"


class _People:
    """Names, phones and ID numbers drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s for s, _ in data.SURNAMES]
        self.weights = [w for _, w in data.SURNAMES]
        self.used_phones: set[str] = set()

    def name(self, surname: str | None = None) -> tuple[str, str]:
        rng = self.rng
        surname = surname or rng.choices(self.surnames, self.weights)[0]
        female = rng.random() < 0.5
        pool = data.GIVEN_FEMALE if female else data.GIVEN_MALE
        given = "".join(rng.choice(pool) for _ in range(1 if rng.random() < 0.25 else 2))
        if rng.random() < 0.004:
            given = given[:-1] + rng.choice(data.RARE_GIVEN)
        return surname + given, "F" if female else "M"

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def landline(self) -> str:
        return f"0755-{self.rng.randrange(2, 9)}{self.rng.randrange(10**7):07d}"

    def id_number(self, gender: str) -> str:
        rng = self.rng
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
        seq = rng.randrange(100) * 10 + (rng.choice((1, 3, 5, 7, 9)) if gender == "M" else rng.choice((0, 2, 4, 6, 8)))
        first17 = f"{rng.choice(data.ID_REGIONS)}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)

    def mailing_address(self) -> tuple[str, str]:
        template, postcode = self.rng.choice(data.MAILING_CITIES)
        return template.format(n=self.rng.randrange(1, 999)), postcode


def _building_plan(units: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """(entrances, floors, rooms per floor) per building until ``units`` are planned."""
    plan, total = [], 0
    while total < units:
        shape = rng.choice(((2, 6, 2), (2, 11, 2), (2, 18, 2), (2, 26, 2), (3, 33, 2), (1, 18, 4)))
        plan.append(shape)
        total += shape[0] * shape[1] * shape[2]
    return plan


def build_demo_estate(path: Path, units: int = 2400, seed: int = 20261127, requests: int | None = None,
                      documents: bool = True) -> DemoStats:
    """Create the demo estate in a new database at ``path`` (the same seed gives the same estate).

    ``requests``: how many service requests to add over the past year (None: about 1.5
    per unit, 0: none). ``documents``: record two recent notices in the document register
    (only with requests: the benchmarks' bare estate has neither).

    All or nothing: a new file is built under a hidden name beside ``path`` and renamed into
    place only when complete, so a kill leaves either no database or the whole demo (what a
    killed build left is removed at the next build). An existing, still empty database
    gets the estate written into it as before.
    """
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        ctx = open_context(path, OPERATOR)
        try:
            return _build(ctx, path, units, seed, requests, documents)
        finally:
            ctx.db.dispose()
    remove_abandoned_builds(path)
    token = uuid.uuid4().hex[:12]
    building = path.with_name(f".{path.name}{BUILDING}{token}")
    # Not ".lock": that is the desk lock every open database takes (storage/desk_lock.py).
    lease = Lease(path.with_name(f".{path.name}{BUILDING}{token}{LEASE_SUFFIX}"))
    try:
        # No daily backup of a file that is about to be renamed: the finished demo gets its own.
        ctx = AppContext(db=open_database(building, keep_daily_backup=False), operator=OPERATOR)
        try:
            stats = _build(ctx, path, units, seed, requests, documents)
        finally:
            ctx.db.dispose()
        _seal(building)
        if path.exists() and path.stat().st_size > 0:  # made meanwhile by someone else: keep theirs
            raise BadInput(f"数据库 {path} 已有数据，演示小区只能生成到新的数据库文件")
        for suffix in ("-wal", "-shm"):  # a log left by a deleted file must not be replayed into the demo
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(building, path)
        fsync_dir(path.parent)
    finally:
        for leftover in _files_of(building):
            leftover.unlink(missing_ok=True)
        lease.release()
    return stats


def _seal(path: Path) -> None:
    """Everything in the main file, no write-ahead log beside it, on disk: ready to be renamed."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")  # the app turns WAL back on when it opens the file
    finally:
        conn.close()
    fsync_file(path)


def _files_of(building: Path) -> list[Path]:
    return [building, *(Path(f"{building}{s}") for s in ("-wal", "-shm", "-journal")), lock_path_for(building)]


def remove_abandoned_builds(path: Path) -> list[Path]:
    """What killed demo builds left beside ``path`` (their lock no longer held); returns what was removed."""
    removed: list[Path] = []
    folder = Path(path).parent
    if not folder.is_dir():
        return removed
    for marker in folder.glob(f".{Path(path).name}{BUILDING}*{LEASE_SUFFIX}"):
        if not abandoned(marker):
            continue  # another build of the same file is running
        for leftover in [*_files_of(marker.with_suffix("")), marker]:
            if leftover.exists():
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed


def _build(ctx: AppContext, path: Path, units: int, seed: int, requests: int | None, documents: bool) -> DemoStats:
    rng = random.Random(seed)
    people = _People(rng)
    with ctx.db.unit_of_work(OPERATOR) as session:
        if repo.first_estate(session) is not None:
            raise BadInput(f"数据库 {path} 已有数据，演示小区只能生成到新的数据库文件")
        repo.bulk_insert(session, Estate, [dict(id=1, **data.ESTATE)])
        repo.bulk_insert(session, Staff, [dict(name=n, role=r, active=True) for n, r in data.STAFF])
        plan = _building_plan(units, rng)
        n_clusters = max(1, min(len(data.CLUSTER_NAMES), math.ceil(len(plan) / 6)))
        per_cluster = math.ceil(len(plan) / n_clusters)
        butlers = [n for n, r in data.STAFF if r == "客服管家"]
        repo.bulk_insert(session, Cluster, [
            dict(id=c + 1, estate_id=1, name=data.CLUSTER_NAMES[c], butler=butlers[c % len(butlers)], sort_order=c)
            for c in range(n_clusters)
        ])
        buildings, unit_rows, party_rows, phone_rows, occ_rows = [], [], [], [], []
        by_status: dict[str, int] = {}
        statuses = [s for s, _ in STATUS_WEIGHTS]
        weights = [w for _, w in STATUS_WEIGHTS]
        for b, (entrances, floors, per_floor) in enumerate(plan):
            bid = b + 1
            buildings.append(dict(id=bid, cluster_id=b // per_cluster + 1, code=str(bid), sort_order=b))
            handover = date(2019, 6, 1) + timedelta(days=rng.randrange(365 * 4))
            for entrance in range(1, entrances + 1):
                for floor in range(1, floors + 1):
                    for r in range(1, per_floor + 1):
                        if len(unit_rows) >= units:
                            break
                        uid = len(unit_rows) + 1
                        room = f"{floor}{r:02d}"
                        code = f"{bid}-{entrance}-{room}" if entrances > 1 else f"{bid}-{room}"
                        status = rng.choices(statuses, weights)[0]
                        by_status[status.label] = by_status.get(status.label, 0) + 1
                        area = rng.choice((6850, 8923, 9512, 11860, 12745, 14398, 16520))
                        unit_rows.append(dict(
                            id=uid, building_id=bid, entrance=str(entrance) if entrances > 1 else "", room=room,
                            code=code, sort_key=code_sort_text(code), area_centi=area, fee_rate_fen=rng.choice((250, 280, 320)), status=status.value,
                            notes="未售" if status is UnitStatus.VACANT and rng.random() < 0.4 else "",
                        ))
                        _people_for_unit(uid, status, handover, people, party_rows, phone_rows, occ_rows)
        repo.bulk_insert(session, Building, buildings)
        repo.bulk_insert(session, Unit, unit_rows)
        repo.bulk_insert(session, Party, party_rows)
        repo.bulk_insert(session, Phone, phone_rows)
        repo.bulk_insert(session, Occupancy, occ_rows)
        record_event(session, "insert", "estates", 1, data.ESTATE["name"],
                     detail={"说明": [None, f"生成演示小区：{len(unit_rows)} 户，{len(party_rows)} 人，种子 {seed}"]})
    if requests != 0:
        add_demo_requests(ctx, count=requests, seed=seed)
        if documents:
            add_demo_documents(ctx, seed=seed)
    return DemoStats(n_clusters, len(buildings), len(unit_rows), len(party_rows), by_status)


def _people_for_unit(uid, status, handover, people: _People, parties, phones, occs) -> None:
    rng = people.rng
    unit_notes = None

    def add(role: PartyRole, *, resident: bool, surname: str | None = None, start: date | None = None) -> str:
        pid = len(parties) + 1
        name, gender = people.name(surname)
        address, postcode = ("", "") if resident else people.mailing_address()
        with_id = rng.random() < (0.8 if role is PartyRole.OWNER else 0.4)
        parties.append(dict(
            id=pid, name=name, id_type=IdType.RESIDENT_ID.value if with_id else None,
            id_number=people.id_number(gender) if with_id else None, mailing_address=address, postcode=postcode,
            key_client=role is PartyRole.OWNER and rng.random() < 0.03, notes="",
            search_keys=" ".join(name_search_keys(name)),
        ))
        if role is not PartyRole.FAMILY or rng.random() < 0.5:
            phones.append(dict(party_id=pid, number=people.mobile(), kind="mobile", position=0))
            if rng.random() < 0.15:
                second = people.landline() if rng.random() < 0.4 else people.mobile()
                phones.append(dict(party_id=pid, number=second, kind="landline" if "-" in second else "mobile", position=1))
        moved = (start + timedelta(days=rng.randrange(10, 200))) if resident and start else None
        occs.append(dict(unit_id=uid, party_id=pid, role=role.value, start_date=start, end_date=None, moved_in=moved))
        return name

    start = handover + timedelta(days=rng.randrange(0, 400))
    if status is UnitStatus.VACANT:
        if rng.random() < 0.6:
            add(PartyRole.OWNER, resident=False, start=start)
    elif status in (UnitStatus.HANDED_OVER, UnitStatus.RENOVATING):
        add(PartyRole.OWNER, resident=False, start=start)
    elif status is UnitStatus.LET:
        add(PartyRole.OWNER, resident=False, start=start)
        tenant_start = start + timedelta(days=rng.randrange(30, 900))
        tenant = add(PartyRole.TENANT, resident=True, start=tenant_start)
        if rng.random() < 0.3:
            add(PartyRole.FAMILY, resident=True, surname=tenant[0], start=tenant_start)
    else:
        owner = add(PartyRole.OWNER, resident=True, start=start)
        if rng.random() < 0.25:
            add(PartyRole.OWNER, resident=True, start=start)
        if rng.random() < 0.08:
            add(PartyRole.FAMILY, resident=True, surname=owner[0], start=start)
    return unit_notes
