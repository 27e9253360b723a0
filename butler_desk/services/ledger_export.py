"""导出台账: the ledger as an xlsx workbook, phones and ID numbers masked unless asked otherwise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from butler_desk.domain.enums import PartyRole, UnitStatus
from butler_desk.domain.masking import mask_id_number, mask_phone
from butler_desk.exchange.ledger_export import LedgerExportRow, write_ledger
from butler_desk.services.context import AppContext
from butler_desk.services.ledger import centi_to_decimal, room_sort_key
from butler_desk.storage.audit import record_event
from butler_desk.storage import repositories as repo
from butler_desk.storage.models import Occupancy


class LedgerExportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def export(
        self,
        out: Path,
        *,
        masked: bool = True,
        progress: Callable[[int, int], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> Path:
        """Write the ledger; an unmasked export is recorded in the audit trail like any reveal."""
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            estate = repo.estate_name(session)
            units = repo.units_with_location(session)
            units.sort(key=lambda r: (r[3], r[2], room_sort_key(r[0].code)))
            people: dict[int, list[Occupancy]] = defaultdict(list)
            for occ in repo.current_occupancies(session):
                people[occ.unit_id].append(occ)
            if not masked:
                record_event(session, "reveal", "units", None, "导出台账（含明文电话、证件号）",
                             detail={"field": "导出台账明文", "reason": str(out)})

            def rows() -> Iterator[LedgerExportRow]:
                for unit, building, cluster, _order in units:
                    occs = people.get(unit.id, [])
                    show_phone = (lambda n: n) if not masked else mask_phone
                    show_id = (lambda n: n) if not masked else mask_id_number
                    moved = [o.moved_in for o in occs if o.moved_in]
                    yield LedgerExportRow(
                        cluster=cluster, building=building, unit=unit.entrance, room_code=unit.code,
                        status_label=UnitStatus(unit.status).label, area=centi_to_decimal(unit.area_centi),
                        fee_rate=centi_to_decimal(unit.fee_rate_fen),
                        key_client=any(o.party.key_client for o in occs),
                        owners="、".join(o.party.name for o in occs if o.role == PartyRole.OWNER.value),
                        occupants="、".join(f"{o.party.name}({PartyRole(o.role).label})" for o in occs if o.role != PartyRole.OWNER.value),
                        phones="；".join(
                            f"{o.party.name}:{'、'.join(show_phone(p.number) for p in o.party.phones)}" for o in occs if o.party.phones
                        ),
                        id_numbers="；".join(f"{o.party.name}:{show_id(o.party.id_number)}" for o in occs if o.party.id_number),
                        mailing_address="；".join(o.party.mailing_address for o in occs if o.party.mailing_address),
                        postcode="；".join(sorted({o.party.postcode for o in occs if o.party.postcode})),
                        move_in=min(moved) if moved else None,
                        notes=unit.notes,
                    )

            return write_ledger(rows(), Path(out), masked=masked, estate_name=estate,
                                progress=(lambda n, _t: progress(n, len(units))) if progress else None,
                                is_cancelled=is_cancelled)
