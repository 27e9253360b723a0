"""导入业户资料: validate a roster file against the ledger, then import it in one transaction.

The exchange package parses the file (rows and row issues, no database); this service
matches rows to units and people, and either reports what would change (dry run: the
same work, rolled back) or commits it. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.domain.names import name_search_keys
from butler_desk.domain.rooms import code_sort_text
from butler_desk.domain.text import clean_text
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.exchange.failed_rows import write_failed_rows
from butler_desk.exchange.roster import RosterFile, RosterRow, RowIssue, read_roster
from butler_desk.exchange.roster_template import write_roster_template
from butler_desk.services.context import AppContext
from butler_desk.services.ledger.service import DEFAULT_CLUSTER, ensure_estate
from butler_desk.storage import repositories as repo
from butler_desk.storage.audit import insert_audited, record_event
from butler_desk.storage.models import Building, Cluster, Occupancy, Party, Phone, Unit
from butler_desk.storage.types import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Progress = Callable[[int, int], None]
FAILED_ROWS_FIELD = "导出出错行"


class _Rollback(Exception):
    """Raised inside the unit of work to undo a dry run."""


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    file: Path
    dry_run: bool
    skip_bad: bool = False  # import the good rows of a file with problems
    total_rows: int = 0
    imported_rows: int = 0
    unchanged_rows: int = 0
    new_clusters: int = 0
    new_buildings: int = 0
    new_units: int = 0
    updated_units: int = 0
    new_parties: int = 0
    updated_parties: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    roster: RosterFile | None = None

    @property
    def failed_rows(self) -> int:
        return len({(i.sheet, i.row) for i in self.issues})

    @property
    def written(self) -> bool:
        """Whether this run committed anything: a real import, with no problems or told to skip them."""
        return not self.dry_run and (self.skip_bad or not self.issues)

    @property
    def changed_rows(self) -> int:
        return self.imported_rows - self.unchanged_rows

    def describe(self) -> str:
        if not self.dry_run and not self.written:
            rest = f"，或选择只导入其余 {self.imported_rows} 行" if self.imported_rows else ""
            return (f"共 {self.total_rows} 行，其中 {self.failed_rows} 行有问题：未导入任何数据。"
                    f"请改正这些行后重新导入{rest}。")
        verb = "将" if self.dry_run else "已"
        text = (
            f"共 {self.total_rows} 行：{verb}导入 {self.imported_rows} 行（其中无变化 {self.unchanged_rows} 行），"
            f"有问题 {self.failed_rows} 行。新建组团 {self.new_clusters} 个、楼栋 {self.new_buildings} 栋、"
            f"房屋 {self.new_units} 户，更新房屋 {self.updated_units} 户；新建业户 {self.new_parties} 人，"
            f"更新业户 {self.updated_parties} 人。"
        )
        if self.written and self.issues:
            text += f"有问题的 {self.failed_rows} 行未导入。"
        return text


class RosterImportService:
    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] = utcnow) -> None:
        self.ctx = ctx
        self.clock = clock

    def read(self, path: Path, progress: Progress | None = None, is_cancelled: Callable[[], bool] | None = None) -> RosterFile:
        today = self.clock().astimezone(CHINA_TZ).date()
        return read_roster(Path(path), progress=progress, is_cancelled=is_cancelled, today=today)

    def import_roster(
        self,
        roster: RosterFile,
        *,
        dry_run: bool = False,
        skip_bad: bool = False,
        estate_name: str = "",
        progress: Progress | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """Apply the rows without issues in one transaction.

        Rolled back when ``dry_run``, and when any row has a problem unless ``skip_bad``:
        a file with bad rows is bad data, and importing part of it is a choice the user
        makes after seeing the problems (``summary.written`` says what happened).
        """
        summary = ImportSummary(file=roster.path, dry_run=dry_run, skip_bad=skip_bad, total_rows=roster.total_rows,
                                issues=list(roster.issues), roster=roster)
        collecting = gc.isenabled()
        gc.disable()  # tens of thousands of short-lived dicts: the cycle collector would cost ~20%
        try:
            with self.ctx.db.unit_of_work(self.ctx.operator) as session:
                _Importer(session, summary, estate_name).run(roster.rows, progress, is_cancelled)
                if not summary.written:
                    raise _Rollback
        except _Rollback:
            pass
        finally:
            if collecting:
                gc.enable()
        summary.issues.sort(key=lambda i: (i.sheet, i.row))
        return summary

    def write_template(self, out: Path) -> Path:
        """Write the blank 业户资料导入模板 (with its rules sheet) to ``out``; the reader accepts it as is."""
        return write_roster_template(Path(out))

    def save_failed_rows(self, summary: ImportSummary, out: Path, reason: str = "") -> Path:
        """Write the rows with problems, as the file had them (full phones and ID numbers) to ``out``.

        Personal data leaves the database's care, so it needs a reason, recorded with the
        operator in the audit trail once the file is written.
        """
        reason = reason.strip()
        if not reason:
            raise BadInput("另存出错行会写出完整电话、证件号，须填写原因，如“改正后重新导入”", field="reason")
        assert summary.roster is not None
        roster = summary.roster
        extra = [i for i in summary.issues if i not in roster.issues]
        roster.issues.extend(extra)  # database-level problems join the file's own
        try:
            # Recorded in the transaction that writes the file: no file, no record, and no
            # file without its record.
            with self.ctx.db.unit_of_work(self.ctx.operator) as session:
                record_event(session, "reveal", "parties", None, "导出导入出错行（含明文电话、证件号）",
                             detail={"field": FAILED_ROWS_FIELD, "reason": reason, "file": Path(out).name,
                                     "rows": summary.failed_rows})
                session.flush()
                return write_failed_rows(roster, Path(out))
        finally:
            del roster.issues[len(roster.issues) - len(extra):]


@dataclass
class _NewUnit:
    """A unit the file introduces, with its people: inserted in bulk at the end of the run."""

    building: Building
    values: dict
    people: list[tuple[dict, list[str], dict]] = field(default_factory=list)  # (party, phones, occupancy)
    names: set[tuple[str, str]] = field(default_factory=set)  # (role, name) already on it


class _Importer:
    """One import run inside one session.

    Existing units are matched and updated through the ORM (so the flush hook audits each
    change); units the file introduces, with their people, are inserted in bulk at the end
    through ``insert_audited``, which writes the same audit rows, since building tens of
    thousands of ORM objects would cost more than reading the file.
    """

    def __init__(self, session: Session, summary: ImportSummary, estate_name: str) -> None:
        self.s = session
        self.summary = summary
        self.estate = ensure_estate(session, estate_name)
        self.clusters = {c.name: c for c in repo.clusters_of_estate(session, self.estate.id)}
        self.buildings = {b.code: b for b in repo.all_buildings(session)}
        self.units = {u.code: u for u in repo.units_with_people(session)}
        self.new_units: dict[str, _NewUnit] = {}
        self.touched_units: set[int] = set()
        self.touched_parties: set[int] = set()

    def run(self, rows: list[RosterRow], progress: Progress | None, is_cancelled: Callable[[], bool] | None) -> None:
        total = len(rows)
        for n, row in enumerate(rows, 1):
            if is_cancelled and n % 200 == 0 and is_cancelled():
                raise Cancelled()
            self._row(row)
            if progress and (n % 500 == 0 or n == total):
                progress(n, total)
        self.s.flush()  # clusters, buildings and changes to existing rows: the new units need their ids
        self._insert_new_units()

    def _issue(self, row: RosterRow, column: str, message: str) -> None:
        self.summary.issues.append(RowIssue(row.sheet, row.row, column, "", message))

    def _row(self, row: RosterRow) -> None:
        building = self._building(row)
        if building is None:
            return
        code = row.room.code
        unit = self.units.get(code)
        if unit is None:
            self._new_unit_row(building, row, code)
            self.summary.imported_rows += 1
            return
        if unit.building is not building:
            self._issue(row, "组团", f"房号 {code} 已在其他楼栋登记")
            return
        changed = self._update_unit(unit, row)
        if row.name:
            changed |= self._party(unit, row)
        self.summary.imported_rows += 1
        if not changed:
            self.summary.unchanged_rows += 1

    def _new_unit_row(self, building: Building, row: RosterRow, code: str) -> None:
        new = self.new_units.get(code)
        if new is None:
            room = row.room
            new = _NewUnit(building, {
                "entrance": room.unit, "room": room.room, "code": code, "sort_key": code_sort_text(code),
                "area_centi": None, "fee_rate_fen": None, "status": None, "notes": "",
            })
            self.new_units[code] = new
            self.summary.new_units += 1
        values = new.values
        if row.area is not None:
            values["area_centi"] = int(row.area * 100)
        if row.fee_rate is not None:
            values["fee_rate_fen"] = int(row.fee_rate * 100)
        if row.status is not None:
            values["status"] = row.status.value
        if row.unit_notes:
            values["notes"] = row.unit_notes
        name = row.name
        role = row.role.value
        if not name or (role, name) in new.names:
            return
        new.names.add((role, name))
        party = {
            "name": name, "search_keys": " ".join(name_search_keys(name)), "notes": row.notes or "",
            "mailing_address": row.mailing_address or "", "postcode": row.postcode or "",
            "key_client": bool(row.key_client), "id_number": row.id_number,
            "id_type": (row.id_type or IdType.RESIDENT_ID).value if row.id_number else None,
        }
        occupancy = {"role": role, "start_date": row.move_in, "moved_in": row.move_in, "end_date": None}
        new.people.append((party, list(row.phones), occupancy))
        self.summary.new_parties += 1
        if values["status"] is None or values.get("_derived"):
            values["status"] = _initial_status(row).value
            values["_derived"] = True

    def _insert_new_units(self) -> None:
        if not self.new_units:
            return
        units = list(self.new_units.values())
        rows = []
        for new in units:
            values = {k: v for k, v in new.values.items() if k != "_derived"}
            values["status"] = values["status"] or UnitStatus.VACANT.value
            rows.append({**values, "building_id": new.building.id})
        unit_ids = insert_audited(self.s, Unit, rows)
        people = [(uid, person) for uid, new in zip(unit_ids, units, strict=True) for person in new.people]
        party_ids = insert_audited(self.s, Party, [party for _uid, (party, _ph, _occ) in people])
        phones, occupancies = [], []
        for (uid, (_party, numbers, occ)), pid in zip(people, party_ids, strict=True):
            phones += [{"party_id": pid, "number": n, "kind": _phone_kind(n), "position": i} for i, n in enumerate(numbers)]
            occupancies.append({**occ, "unit_id": uid, "party_id": pid})
        insert_audited(self.s, Phone, phones)
        insert_audited(self.s, Occupancy, occupancies)

    def _building(self, row: RosterRow) -> Building | None:
        code = row.room.building
        building = self.buildings.get(code)
        if building is not None:
            if row.cluster and building.cluster.name != row.cluster:
                self._issue(row, "组团", f"{code}栋已属于组团“{building.cluster.name}”，与文件中的“{row.cluster}”不一致，请核对组团")
                return None
            return building
        name = row.cluster or DEFAULT_CLUSTER
        cluster = self.clusters.get(name)
        if cluster is None:
            cluster = Cluster(estate=self.estate, name=name, sort_order=len(self.clusters))
            self.s.add(cluster)
            self.clusters[name] = cluster
            self.summary.new_clusters += 1
        building = Building(cluster=cluster, code=code)
        self.s.add(building)
        self.buildings[code] = building
        self.summary.new_buildings += 1
        return building

    def _update_unit(self, unit: Unit, row: RosterRow) -> bool:
        changes = {}
        if row.area is not None:
            changes["area_centi"] = int(row.area * 100)
        if row.fee_rate is not None:
            changes["fee_rate_fen"] = int(row.fee_rate * 100)
        if row.status is not None:
            changes["status"] = row.status.value
        if row.unit_notes and clean_text(unit.notes) != row.unit_notes:
            changes["notes"] = row.unit_notes
        changed = _assign(unit, changes)
        if changed and unit.id is not None and unit.id not in self.touched_units:
            self.touched_units.add(unit.id)
            self.summary.updated_units += 1
        return changed

    def _party(self, unit: Unit, row: RosterRow) -> bool:
        occ = next(
            (o for o in unit.occupancies if o.end_date is None and o.role == row.role.value and o.party.name == row.name),
            None,
        )
        if occ is None:
            party = Party(name=row.name, search_keys=" ".join(name_search_keys(row.name)), notes="",
                          mailing_address="", postcode="", key_client=False)
            party.phones = []
            self.s.add(party)
            occ = Occupancy(unit=unit, party=party, role=row.role.value, start_date=row.move_in, moved_in=row.move_in)
            self.s.add(occ)
            self.summary.new_parties += 1
            self._update_party(party, row)
            if row.move_in and unit.status in (UnitStatus.VACANT.value, UnitStatus.HANDED_OVER.value) and row.status is None:
                unit.status = (UnitStatus.LET if row.role is PartyRole.TENANT else UnitStatus.OCCUPIED).value
            return True
        party = occ.party
        changed = self._update_party(party, row)
        if row.move_in and occ.moved_in != row.move_in:
            occ.moved_in = row.move_in
            changed = True
        if changed and party.id not in self.touched_parties:
            self.touched_parties.add(party.id)
            self.summary.updated_parties += 1
        return changed

    @staticmethod
    def _update_party(party: Party, row: RosterRow) -> bool:
        """Copy the row's filled cells onto ``party``; a blank cell keeps what the ledger has.

        Values are compared as the reader tidies cells (half-width, one line), so a row
        exported from the ledger and imported back changes nothing.
        """
        changes = {}
        if row.id_number:
            changes["id_number"] = row.id_number
            changes["id_type"] = (row.id_type or IdType.RESIDENT_ID).value
        if row.mailing_address and clean_text(party.mailing_address) != row.mailing_address:
            changes["mailing_address"] = row.mailing_address
        if row.postcode:
            changes["postcode"] = row.postcode
        if row.key_client is not None:
            changes["key_client"] = row.key_client
        if row.notes and row.notes not in clean_text(party.notes):
            changes["notes"] = f"{party.notes}\n{row.notes}".strip() if party.notes else row.notes
        changed = _assign(party, changes)
        if row.phones and [p.number for p in party.phones] != list(row.phones):
            # The cell lists the person's numbers: a number typed over another replaces it.
            existing = {p.number: p for p in party.phones}
            party.phones = [existing.get(n) or Phone(number=n, kind=_phone_kind(n)) for n in row.phones]
            for position, phone in enumerate(party.phones):
                phone.position = position
            changed = True
        return changed


def _phone_kind(number: str) -> str:
    """The kind of a canonical number (the reader hands over canonical numbers only)."""
    if len(number) == 11 and number[0] == "1" and number.isdigit():
        return "mobile"  # the common case, without re-parsing
    from butler_desk.domain.contacts import normalize_phone

    return normalize_phone(number).kind


def _initial_status(row: RosterRow) -> UnitStatus:
    if not row.name:
        return UnitStatus.VACANT
    if row.role is PartyRole.TENANT:
        return UnitStatus.LET
    return UnitStatus.OCCUPIED if row.move_in else UnitStatus.HANDED_OVER


def _assign(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed

