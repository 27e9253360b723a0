"""The register's table model: one row per owing unit, sortable by any column, money shown in yuan."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt

from butler_desk.domain.arrears import LimitationFlag
from butler_desk.domain.money import from_hundredths
from butler_desk.services.arrears import RegisterRow
from butler_desk.ui.common.tables import SortedRowsModel

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NO_DATE = "9999-12-31"  # rows without a date sort last


def yuan(fen: int) -> str:
    return f"{from_hundredths(fen):,}"


def _promise(row: RegisterRow) -> str:
    if row.promised_on is None:
        return ""
    return f"{row.promised_on:%Y-%m-%d}" + {True: " 已兑现", False: " 未兑现", None: ""}[row.promise_kept]


class RegisterModel(SortedRowsModel[RegisterRow]):
    HEADERS = ("房号", "组团", "欠费金额(元)", "欠费期数", "最早到期", "账龄", "诉讼时效", "阶段", "最近联系",
               "承诺缴费", "原因", "下次跟进")
    HEADER_TIPS: ClassVar = {6: "三年诉讼时效：临近或已过且此后没有书面催收的欠费"}
    ALIGNMENT: ClassVar = {2: _RIGHT, 3: _RIGHT}
    SORT_KEYS: ClassVar = {
        0: lambda r: r.unit_code, 1: lambda r: r.cluster, 2: lambda r: r.owed_fen, 3: lambda r: r.periods_owed,
        4: lambda r: r.oldest_due, 5: lambda r: r.oldest_due, 6: lambda r: list(LimitationFlag).index(r.limitation),
        7: lambda r: r.stage.rank, 8: lambda r: str(r.last_contact or _NO_DATE),
        9: lambda r: str(r.promised_on or _NO_DATE), 10: lambda r: r.reason.label if r.reason else "",
        11: lambda r: str(r.next_action_on or _NO_DATE),
    }

    @staticmethod
    def row_id(row: RegisterRow) -> int:
        return row.unit_id

    def format_row(self, r: RegisterRow) -> tuple[str, ...]:
        return (r.unit_code, r.cluster, yuan(r.owed_fen), str(r.periods_owed), f"{r.oldest_due:%Y-%m-%d}",
                r.age_band.label, r.limitation.label, r.stage.label,
                "" if r.last_contact is None else f"{r.last_contact:%Y-%m-%d}", _promise(r),
                r.reason.label if r.reason else "",
                "" if r.next_action_on is None else f"{r.next_action_on:%Y-%m-%d}")

    def extra_data(self, row: RegisterRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.ALIGNMENT.get(column)
        if role == Qt.ItemDataRole.UserRole:
            return row.unit_id
        return None
