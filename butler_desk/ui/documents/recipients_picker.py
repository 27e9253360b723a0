"""发放范围: whom a batch of letters goes to (everyone, clusters, buildings, units, unit statuses) and how
occupied homes get it, with the households it comes to, counted live in the order the letters print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.documents import DeliveryMethod
from butler_desk.domain.enums import UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.ui.documents.model import HouseholdsModel, fit_columns, make_table
from butler_desk.ui.common.forms import FieldErrors
from butler_desk.ui.common.messages import show_problem

if TYPE_CHECKING:
    from butler_desk.services.documents.notices import NoticeService
    from butler_desk.services.documents.recipients import HouseholdList, Selection

HAND_CHOICES = (("按文件类别（通知随安防派送）", None),
                (DeliveryMethod.WITH_SECURITY.label, DeliveryMethod.WITH_SECURITY),
                (DeliveryMethod.BUTLER.label, DeliveryMethod.BUTLER))
REFRESH_DELAY_MS = 250  # typing "3,5,7" counts once, not after every key


class RecipientsPicker(QWidget):
    """The range form, the count and the household list; ``errors`` shows a BadInput about the range.

    The count follows the template (``set_template``): a template's audience decides who is
    written to. Problems are shown quietly under the count while choosing; ``errors`` puts
    them under their field when the batch is generated.
    """

    changed = Signal()  # the choice changed (the count follows a moment later)

    def __init__(self, notices: NoticeService, clusters: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notices = notices
        self.template_id = ""
        self.households: HouseholdList | None = None

        self.everyone = QCheckBox("全部房屋(&A)")
        self.clusters = QListWidget()
        for name in clusters:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.clusters.addItem(item)
        rows = min(max(self.clusters.count(), 1), 4)
        self.clusters.setFixedHeight(self.clusters.sizeHintForRow(0) * rows + 2 * self.clusters.frameWidth() + 4)
        self.buildings = QLineEdit()
        self.buildings.setPlaceholderText("如 3,5,7")
        self.units = QLineEdit()
        self.units.setPlaceholderText("如 3-2-1201, 3-2-1202")
        self.status_boxes: dict[str, QCheckBox] = {}
        statuses = QWidget()
        grid = QGridLayout(statuses)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, status in enumerate(UnitStatus):
            box = QCheckBox(status.label)
            self.status_boxes[status.label] = box
            grid.addWidget(box, n // 3, n % 3)
        self.hand_method = QComboBox()
        for text, method in HAND_CHOICES:
            self.hand_method.addItem(text, method.value if method else "")
        self.errors = FieldErrors()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.everyone)
        self.errors.add_row(form, "组团(&C)", "clusters", self.clusters)
        self.errors.add_row(form, "楼栋(&B)", "buildings", self.buildings)
        self.errors.add_row(form, "房号(&U)", "units", self.units)
        self.errors.add_row(form, "房屋状态", "statuses", statuses)
        self.errors.register("selection", self.everyone, self.errors.banner)
        form.addRow("已入住户送达", self.hand_method)
        range_box = QGroupBox("发放范围（同时满足所选各项）")
        range_layout = QVBoxLayout(range_box)
        range_layout.addWidget(self.errors.banner)
        range_layout.addLayout(form)

        self.count_label = QLabel()
        font = self.count_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.count_label.setFont(font)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.households_model = HouseholdsModel(self)
        self.households_view = make_table(self.households_model)
        fit_columns(self.households_view, dict(enumerate(("9999", "12栋2单元1201", "欧阳娜娜业主", "随安防派送"))))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(range_box)
        layout.addWidget(self.count_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.households_view, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        for box in (self.everyone, *self.status_boxes.values()):
            box.toggled.connect(self._range_changed)
        self.clusters.itemChanged.connect(self._range_changed)
        self.buildings.textChanged.connect(self._range_changed)
        self.units.textChanged.connect(self._range_changed)
        self.hand_method.currentIndexChanged.connect(self._range_changed)

    def focus_chain(self) -> list[QWidget]:
        """The inputs in the order Tab visits them, as they stand on screen."""
        return [self.everyone, self.clusters, self.buildings, self.units, *self.status_boxes.values(),
                self.hand_method, self.households_view]

    def set_template(self, template_id: str) -> None:
        self.template_id = template_id
        self._range_changed()

    def selection(self) -> Selection:
        from butler_desk.services.documents.recipients import Selection, split_list

        if self.everyone.isChecked():
            return Selection(everyone=True)
        clusters = tuple(self.clusters.item(n).text() for n in range(self.clusters.count())
                         if self.clusters.item(n).checkState() == Qt.CheckState.Checked)
        statuses = tuple(label for label, box in self.status_boxes.items() if box.isChecked())
        return Selection(clusters=clusters, buildings=split_list(self.buildings.text()),
                         units=split_list(self.units.text()), statuses=statuses)

    def hand(self) -> DeliveryMethod | None:
        value = self.hand_method.currentData()
        return DeliveryMethod(value) if value else None

    def show_error(self, exc: BadInput) -> None:
        self.errors.show(exc)

    def _range_changed(self, *_args) -> None:
        everyone = self.everyone.isChecked()
        for widget in (self.clusters, self.buildings, self.units, *self.status_boxes.values()):
            widget.setEnabled(not everyone)
        self.errors.clear()
        self.changed.emit()
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Who the batch would go to now; problems are shown quietly here, inline only on 生成."""
        self._refresh_timer.stop()
        selection = self.selection()
        self.households = None
        if selection.empty and not selection.everyone:
            self.households_model.set_rows([])
            self.count_label.setText("请选择发放范围")
            self.summary_label.setText("按组团、楼栋、房号或房屋状态选择；全部房屋请勾选“全部房屋”。")
            return
        try:
            households = self.notices.households(self.template_id, selection, hand_method=self.hand())
        except BadInput as exc:
            self.households_model.set_rows([])
            self.count_label.setText("将发给 — 户")
            self.summary_label.setText(f"<span style='color:#c62828'>{exc.message}</span>")
            return
        except Exception as exc:  # noqa: BLE001 - reported, and the picker stays usable
            show_problem(self, exc)
            return
        self.households = households
        self.households_model.set_rows(households.households)
        self.count_label.setText(f"将发给 {len(households.households)} 户")
        summary = households.summary()
        if households.skipped:
            summary += f"；另有 {len(households.skipped)} 户没有可写信的业主或住户资料，未列入"
        self.summary_label.setText(summary)
        self.summary_label.setToolTip("\n".join(households.notes()[:30]))
