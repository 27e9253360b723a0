"""导出台账: the ledger as an xlsx workbook, one row per person, masked unless asked with a reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.masking import mask_id_number, mask_phone
from butler_desk.domain.money import from_stored
from butler_desk.exchange.ledger_export import LedgerExportRow, write_ledger
from butler_desk.services.context import AppContext
from butler_desk.services.ledger.service import room_sort_key
from butler_desk.storage import repositories as repo
from butler_desk.storage.audit import record_event
from butler_desk.storage.models import Occupancy

UNMASKED_EXPORT_FIELD = "导出台账明文"
_ROLE_ORDER = {role.value: n for n, role in enumerate(PartyRole)}


def _same(value: str) -> str:
    return value


class LedgerExportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def export(
        self,
        out: Path,
        *,
        masked: bool = True,
        reason: str = "",
        progress: Callable[[int, int], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> Path:
        """Write the ledger; an unmasked export needs a reason and is recorded like any reveal.

        The record is written in the same transaction as the reading, so an export that
        fails or is cancelled leaves no record and no file.
        """
        reason = reason.strip()
        if not masked and not reason:
            raise BadInput("导出明文（完整电话、证件号）须填写原因，如“交总部存档”", field="reason")
        out = Path(out)
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            estate = repo.estate_name(session)
            units = repo.units_with_location(session)
            units.sort(key=lambda r: (r[3], r[2], room_sort_key(r[0].code)))
            people: dict[int, list[Occupancy]] = defaultdict(list)
            for occ in repo.current_occupancies(session):
                people[occ.unit_id].append(occ)
            if not masked:
                record_event(session, "reveal", "units", None, "导出台账（含明文电话、证件号）",
                             detail={"field": UNMASKED_EXPORT_FIELD, "reason": reason, "file": out.name})
            show_phone = _same if not masked else mask_phone
            show_id = _same if not masked else mask_id_number
            total = sum(max(1, len(people.get(unit.id, ()))) for unit, *_rest in units)

            def rows() -> Iterator[LedgerExportRow]:
                for unit, _building, cluster, _order in units:
                    common = {
                        "cluster": cluster, "room_code": unit.code, "status_label": UnitStatus(unit.status).label,
                        "area": from_stored(unit.area_centi), "fee_rate": from_stored(unit.fee_rate_fen),
                        "unit_notes": unit.notes,
                    }
                    occs = sorted(people.get(unit.id, ()), key=lambda o: (_ROLE_ORDER.get(o.role, 9), o.id))
                    if not occs:
                        yield LedgerExportRow(**common)
                    for occ in occs:
                        party = occ.party
                        yield LedgerExportRow(
                            **common, name=party.name, role_label=PartyRole(occ.role).label,
                            phones="、".join(show_phone(p.number) for p in party.phones),
                            id_type_label=IdType(party.id_type).label if party.id_type and party.id_number else "",
                            id_number=show_id(party.id_number) if party.id_number else "",
                            mailing_address=party.mailing_address, postcode=party.postcode,
                            key_client=bool(party.key_client), move_in=occ.moved_in, notes=party.notes,
                        )

            return write_ledger(rows(), out, masked=masked, estate_name=estate,
                                progress=(lambda n, _t: progress(n, total)) if progress else None,
                                is_cancelled=is_cancelled)
