"""Read-only helpers the desktop forms need beyond LedgerService: merged history, form pre-checks."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from butler_desk.services.context import AppContext
from butler_desk.services.ledger import apply_party_input, history_entry
from butler_desk.services.ledger_views import HistoryEntry, PartyInput
from butler_desk.storage.models import AuditEntry, Occupancy, Party


def unit_history_with_people(ctx: AppContext, unit_id: int) -> list[HistoryEntry]:
    """变更记录 of a unit plus what happened to its people's own records (edits, 查看明文).

    A party's row changes carry only ``party_id``, so ``unit_history`` alone would hide
    who looked at the phone of the family living there.
    """
    with ctx.db.reading() as session:
        party_ids = select(Occupancy.party_id).where(Occupancy.unit_id == unit_id).scalar_subquery()
        entries = session.scalars(
            select(AuditEntry)
            .where(or_(AuditEntry.unit_id == unit_id,
                       and_(AuditEntry.unit_id.is_(None), AuditEntry.party_id.in_(party_ids))))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
        return [history_entry(e) for e in entries]


def check_party_input(data: PartyInput) -> None:
    """Validate a new person's form without saving (raises BadInput naming the field).

    Lets a dialog holding several people (过户 to joint owners) show the error on the
    right person's form before one transaction saves them all.
    """
    apply_party_input(Party(), data)
