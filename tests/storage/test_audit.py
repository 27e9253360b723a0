"""The audit trail of bulk inserts: the same entries the session hook writes for ORM inserts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

import pytest

from butler_desk.storage.audit import insert_audited, insert_changes_encoder
from butler_desk.storage.models import AuditEntry, Occupancy, Party, Unit


class _Colour(StrEnum):
    RED = "red"


class _Size(IntEnum):
    LARGE = 3


@pytest.mark.parametrize(
    "value",
    ["张三", 'say "hi" \\ %s %d %', "行一\n行二\t\x00\u2028", "", None, 0, -7, 12345678901234567890, True, False,
     1.5, float("nan"), date(2024, 3, 1), datetime(2024, 3, 1, 8, 30, tzinfo=UTC), datetime(2024, 3, 1),
     Decimal("2.50"), _Colour.RED, _Size.LARGE, [1, "a"]],
)
def test_changes_text_is_exactly_json_dumps_of_the_plain_values(value):
    plain = value.isoformat() if isinstance(value, (date, datetime)) else value
    plain = str(plain) if isinstance(plain, Decimal) else plain
    values = {"name": value, "odd %key": value, "notes": "固定"}
    expected = json.dumps({"name": [None, plain], "odd %key": [None, plain], "notes": [None, "固定"]},
                          ensure_ascii=False)
    assert insert_changes_encoder(list(values))(values) == expected


def test_changes_encoder_takes_only_its_keys_and_refuses_what_json_cannot_hold():
    assert insert_changes_encoder(["b"])({"a": 1, "b": 2}) == '{"b": [null, 2]}'
    assert insert_changes_encoder([])({"a": 1}) == "{}"
    with pytest.raises(TypeError):
        insert_changes_encoder(["a"])({"a": object()})


def _entries(session, table_name, record_ids):
    rows = (session.query(AuditEntry).filter(AuditEntry.table_name == table_name, AuditEntry.record_id.in_(record_ids))
            .order_by(AuditEntry.id))
    return [(e.operator, e.action, e.table_name, e.record_label, e.unit_id is not None, e.party_id is not None,
             json.loads(e.changes)) for e in rows]


def test_given_the_same_rows_when_bulk_inserted_then_the_trail_matches_orm_inserts(ctx):
    from butler_desk.services.ledger.service import LedgerService
    from butler_desk.services.ledger.views import UnitInput

    unit_id = LedgerService(ctx).save_unit(UnitInput(room_code="3-2-1201"))
    party = {"name": "王建国", "id_type": "resident_id", "id_number": "11010519491231002X",
             "mailing_address": "北京市朝阳区", "postcode": "100020", "key_client": True, "notes": "",
             "search_keys": "wangjianguo wjg"}
    with ctx.db.unit_of_work("李晓红") as session:
        orm_party = Party(**party)
        session.add(orm_party)
        session.flush()
        orm_occ = Occupancy(unit_id=unit_id, party_id=orm_party.id, role="owner", start_date=date(2024, 3, 1),
                            moved_in=date(2024, 3, 1), end_date=None)
        session.add(orm_occ)
        session.flush()
        orm_ids = (orm_party.id, orm_occ.id)
        bulk_party_id = insert_audited(session, Party, [party])[0]
        bulk_occ_id = insert_audited(session, Occupancy, [
            {"unit_id": unit_id, "party_id": bulk_party_id, "role": "owner", "start_date": date(2024, 3, 1),
             "moved_in": date(2024, 3, 1), "end_date": None}])[0]
    with ctx.db.reading() as session:
        orm_party_entry, bulk_party_entry = _entries(session, "parties", [orm_ids[0], bulk_party_id])
        assert bulk_party_entry == orm_party_entry == (
            "李晓红", "insert", "parties", "王建国", False, True,
            {k: [None, v] for k, v in party.items() if k != "search_keys"})
        occ_entries = _entries(session, "occupancies", [orm_ids[1], bulk_occ_id])
        assert occ_entries[0][:6] == occ_entries[1][:6] == ("李晓红", "insert", "occupancies", "owner", True, True)
        assert occ_entries[0][6]["start_date"] == occ_entries[1][6]["start_date"] == [None, "2024-03-01"]
        entry = session.query(AuditEntry).filter_by(table_name="occupancies", record_id=bulk_occ_id).one()
        assert (entry.unit_id, entry.party_id) == (unit_id, bulk_party_id)
        assert entry.at.tzinfo is UTC


def test_bulk_inserted_units_are_audited_one_entry_each_in_chunks(ctx):
    from butler_desk.services.ledger.service import LedgerService
    from butler_desk.services.ledger.views import UnitInput

    building_unit = LedgerService(ctx).save_unit(UnitInput(room_code="7-1-101"))
    with ctx.db.reading() as session:
        building_id = session.get(Unit, building_unit).building_id
    rows = [{"entrance": "1", "room": str(200 + i), "code": f"7-1-{200 + i}", "sort_key": "", "area_centi": 8950,
             "fee_rate_fen": None, "status": "vacant", "notes": "", "building_id": building_id} for i in range(5)]
    with ctx.db.unit_of_work("李晓红") as session:
        ids = insert_audited(session, Unit, rows, chunk=2)
    with ctx.db.reading() as session:
        entries = session.query(AuditEntry).filter_by(table_name="units").filter(AuditEntry.record_id.in_(ids)).all()
        assert sorted((e.record_id, e.unit_id, e.record_label) for e in entries) == [
            (i, i, f"7-1-{200 + n}") for n, i in enumerate(ids)]
        assert json.loads(entries[0].changes)["area_centi"] == [None, 8950]
        assert "sort_key" not in json.loads(entries[0].changes)
