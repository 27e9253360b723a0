"""The declarative record forms: forms/*.toml loaded and checked into FormSpec dataclasses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from butler_desk.domain.errors import BadInput
from butler_desk.paths import forms_dir
from butler_desk.reporting.document import page_size
from butler_desk.reporting.specfile import SpecReader, read_toml

FIELD_TYPES = ("text", "multiline", "date", "datetime", "time", "money", "number", "phone",
               "id_number", "choice", "check", "seq")
ALIGNS = ("left", "center", "right")
BLOCK_TYPES = ("fields", "checklist", "box", "paragraph", "table")
KIND = "表单定义文件"

_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*mm\s*")
MIN_RELATIVE_WIDTH = 8 * mm  # a relative column squeezed below this would print nothing readable


@dataclass(frozen=True)
class Width:
    """A column width: absolute points, or a relative weight sharing what absolute columns leave."""

    value: float
    relative: bool


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str = "text"
    span: int = 1
    options: tuple[str, ...] = ()
    reveal: bool = False
    unit: str = ""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    width: Width
    type: str = "text"
    align: str = "center"
    wrap: bool = True
    reveal: bool = False
    unit: str = ""


@dataclass(frozen=True)
class FieldsBlock:
    fields: tuple[FieldSpec, ...]
    columns: int = 2
    label_width: float = 22 * mm
    row_height: float = 9 * mm


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class ChecklistBlock:
    items: tuple[ChecklistItem, ...]
    options: tuple[str, ...] = ("正常", "不正常")
    item_label: str = "检查项目"
    note_label: str = "情况说明"
    row_height: float = 8 * mm


@dataclass(frozen=True)
class BoxBlock:
    key: str
    label: str
    height: float = 30 * mm
    grow: bool = False
    sign: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParagraphBlock:
    text: str
    size: float = 0.0  # 0: the form's font size
    align: str = "left"


@dataclass(frozen=True)
class TableBlock:
    columns: tuple[ColumnSpec, ...]
    key: str = ""  # record layout: the record's list of row dicts; table layout: the records themselves
    blank_rows: int = 15
    row_height: float = 8 * mm
    pad: bool = True


Block = FieldsBlock | ChecklistBlock | BoxBlock | ParagraphBlock | TableBlock


@dataclass(frozen=True)
class FormSpec:
    """One printed form: paper, title, form number, the blocks top to bottom, footer signatures."""

    id: str
    path: Path
    number: str
    title: str
    paper: str
    orientation: str
    layout: str  # "record": one record per page; "table": rows flow over pages
    font_size: float
    company: str  # header / title / none
    estate: str  # meta / none
    signatures: tuple[str, ...]
    blocks: tuple[Block, ...]
    margin: float

    @property
    def page_size(self) -> tuple[float, float]:
        return page_size(self.paper, self.orientation)

    @property
    def content_width(self) -> float:
        return self.page_size[0] - 2 * self.margin

    @property
    def table(self) -> TableBlock | None:
        return next((b for b in self.blocks if isinstance(b, TableBlock)), None)

    def labels(self) -> dict[str, str]:
        """Each value's key → the Chinese label printed beside it (names a field in messages)."""
        out: dict[str, str] = {}
        for block in self.blocks:
            if isinstance(block, FieldsBlock):
                out.update((f.key, f.label) for f in block.fields)
            elif isinstance(block, ChecklistBlock):
                out.update((i.key, i.label) for i in block.items)
            elif isinstance(block, BoxBlock):
                out[block.key] = block.label
            elif isinstance(block, TableBlock):
                out.update((c.key, c.label) for c in block.columns)
        return out


def resolve_widths(widths: list[Width], total: float) -> list[float]:
    """Absolute widths as given; relative ones share the rest in proportion to their weights."""
    fixed = sum(w.value for w in widths if not w.relative)
    weights = sum(w.value for w in widths if w.relative)
    rest = max(0.0, total - fixed)
    if not weights:
        scale = total / fixed if fixed > total else 1.0
        return [w.value * scale for w in widths]
    return [rest * w.value / weights if w.relative else w.value for w in widths]


class FormReader:
    """Readers for the parts shared by form files and notice templates (lengths, keys, columns)."""

    def __init__(self, reader: SpecReader, content_width: float) -> None:
        self.r = reader
        self.width = content_width

    def length(self, data: dict[str, Any], key: str, path: str, default: float) -> float:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1000:
            return float(value) * mm
        if isinstance(value, str) and (m := _LENGTH.fullmatch(value)):
            return float(m.group(1)) * mm
        raise self.r.error(f"{path}.{key}", "长度应写成毫米，如 \"22mm\" 或 22")

    def key(self, data: dict[str, Any], path: str, *, required: bool = True) -> str:
        value = self.r.string(data, "key", path, default=None if required else "")
        if value and not _KEY.fullmatch(value):
            raise self.r.error(f"{path}.key", f"数据键“{value}”只能用小写英文字母、数字和下划线")
        return value

    def data_type(self, data: dict[str, Any], path: str) -> str:
        value = data.get("type", "text")
        if value not in FIELD_TYPES:
            raise self.r.error(f"{path}.type", f"未知的数据类型“{value}”，可用：{'、'.join(FIELD_TYPES)}")
        return value

    def field(self, data: object, path: str, columns: int) -> FieldSpec:
        d = self.r.table(data, path, ("key", "label", "type", "span", "options", "reveal", "unit"))
        kind = self.data_type(d, path)
        options = self.r.strings(d, "options", path)
        if kind == "choice" and not options:
            raise self.r.error(f"{path}.options", "选择类（choice）字段需要列出选项，如 [\"有效\", \"无效\"]")
        return FieldSpec(key=self.key(d, path), label=self.r.string(d, "label", path), type=kind,
                         span=self.r.integer(d, "span", path, default=1, low=1, high=columns),
                         options=options, reveal=self.r.boolean(d, "reveal", path, default=False),
                         unit=self.r.string(d, "unit", path, default=""))

    def column(self, data: object, path: str) -> ColumnSpec:
        d = self.r.table(data, path, ("key", "label", "type", "width", "align", "wrap", "reveal", "unit"))
        raw = d.get("width", 1)
        if isinstance(raw, str) and (m := _LENGTH.fullmatch(raw)):
            width = Width(float(m.group(1)) * mm, False)
        elif isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
            width = Width(float(raw), True)
        else:
            raise self.r.error(f"{path}.width", "列宽应写成毫米（如 \"20mm\"）或相对比例（如 2）")
        kind = self.data_type(d, path)
        return ColumnSpec(key=self.key(d, path, required=kind != "seq"), label=self.r.string(d, "label", path),
                          width=width, type=kind,
                          align=self.r.string(d, "align", path, default="center", choices=ALIGNS),
                          wrap=self.r.boolean(d, "wrap", path, default=True),
                          reveal=self.r.boolean(d, "reveal", path, default=False),
                          unit=self.r.string(d, "unit", path, default=""))

    def block(self, data: object, path: str) -> Block:
        raw_type = data.get("type") if isinstance(data, dict) else None
        if raw_type not in BLOCK_TYPES:
            raise self.r.error(f"{path}.type", f"块类型应为 {'、'.join(BLOCK_TYPES)} 之一，现为“{raw_type}”")
        if raw_type == "fields":
            d = self.r.table(data, path, ("type", "columns", "label_width", "row_height", "fields"))
            columns = self.r.integer(d, "columns", path, default=2, low=1, high=4)
            fields = tuple(self.field(f, f"{path}.fields[{i}]", columns)
                           for i, f in enumerate(self.r.tables(d.get("fields"), f"{path}.fields")))
            if not fields:
                raise self.r.error(path, "fields 块至少要有一个 [[blocks.fields]]")
            block = FieldsBlock(fields, columns, self.length(d, "label_width", path, 22 * mm),
                                self.length(d, "row_height", path, 9 * mm))
            if block.columns * block.label_width > self.width * 0.6:
                raise self.r.error(f"{path}.label_width", "标签列总宽超过页面可用宽度的六成，请调小")
            return block
        if raw_type == "checklist":
            d = self.r.table(data, path, ("type", "items", "options", "item_label", "note_label", "row_height"))
            items = []
            for i, item in enumerate(self.r.tables(d.get("items"), f"{path}.items")):
                ip = f"{path}.items[{i}]"
                di = self.r.table(item, ip, ("key", "label", "hint"))
                items.append(ChecklistItem(self.key(di, ip), self.r.string(di, "label", ip),
                                           self.r.string(di, "hint", ip, default="")))
            if not items:
                raise self.r.error(path, "checklist 块至少要有一个 [[blocks.items]]")
            return ChecklistBlock(tuple(items), self.r.strings(d, "options", path, default=("正常", "不正常")),
                                  self.r.string(d, "item_label", path, default="检查项目"),
                                  self.r.string(d, "note_label", path, default="情况说明"),
                                  self.length(d, "row_height", path, 8 * mm))
        if raw_type == "box":
            d = self.r.table(data, path, ("type", "key", "label", "height", "grow", "sign"))
            return BoxBlock(self.key(d, path, required=False), self.r.string(d, "label", path),
                            self.length(d, "height", path, 30 * mm),
                            self.r.boolean(d, "grow", path, default=False), self.r.strings(d, "sign", path))
        if raw_type == "paragraph":
            d = self.r.table(data, path, ("type", "text", "size", "align"))
            return ParagraphBlock(self.r.string(d, "text", path),
                                  self.r.number(d, "size", path, default=0.0, low=0.0, high=30.0),
                                  self.r.string(d, "align", path, default="left", choices=ALIGNS))
        d = self.r.table(data, path, ("type", "key", "columns", "blank_rows", "row_height", "pad"))
        columns = tuple(self.column(c, f"{path}.columns[{i}]")
                        for i, c in enumerate(self.r.tables(d.get("columns"), f"{path}.columns")))
        if not columns:
            raise self.r.error(path, "table 块至少要有一列 [[blocks.columns]]")
        fixed = sum(c.width.value for c in columns if not c.width.relative)
        relative = sum(1 for c in columns if c.width.relative)
        if fixed + relative * MIN_RELATIVE_WIDTH > self.width + 0.01:
            raise self.r.error(f"{path}.columns", f"列宽合计 {fixed / mm:.0f} 毫米"
                               f"{f'（另有 {relative} 个按比例的列）' if relative else ''}，"
                               f"超出页面可用宽度 {self.width / mm:.0f} 毫米，请调小列宽或改为横向")
        return TableBlock(columns, self.key(d, path, required=False),
                          self.r.integer(d, "blank_rows", path, default=15, low=0, high=200),
                          self.length(d, "row_height", path, 8 * mm), self.r.boolean(d, "pad", path, default=True))


def parse_form(path: Path) -> FormSpec:
    """Load one form file; any problem raises BadInput naming the file, line and key."""
    data, r = read_toml(path, KIND)
    r.table(data, "", ("form", "blocks"))
    head = r.table(data.get("form"), "form", ("number", "title", "paper", "orientation", "layout",
                                              "font_size", "company", "estate", "signatures", "margin"))
    paper = r.string(head, "paper", "form", default="A4", choices=("A4", "A5"))
    orientation = r.string(head, "orientation", "form", default="portrait", choices=("portrait", "landscape"))
    probe = FormReader(r, 0)
    margin = probe.length(head, "margin", "form", 15 * mm)
    width = page_size(paper, orientation)[0] - 2 * margin
    reader = FormReader(r, width)
    blocks = tuple(reader.block(b, f"blocks[{i}]") for i, b in enumerate(r.tables(data.get("blocks"), "blocks")))
    layout = r.string(head, "layout", "form", default="record", choices=("record", "table"))
    tables = [b for b in blocks if isinstance(b, TableBlock)]
    if layout == "table" and len(tables) != 1:
        raise r.error("form.layout", "table 版式需要且只能有一个 type = \"table\" 的块")
    if not blocks:
        raise r.error("blocks", "表单至少要有一个 [[blocks]]")
    for i, block in enumerate(blocks):
        if layout == "record" and isinstance(block, TableBlock) and not block.key:
            raise r.error(f"blocks[{i}]", "记录版式中的表格需要 key：记录里存放各行数据的键名")
    return FormSpec(
        id=path.stem, path=path,
        number=r.string(head, "number", "form"), title=r.string(head, "title", "form"),
        paper=paper, orientation=orientation, layout=layout,
        font_size=r.number(head, "font_size", "form", default=10.0, low=6.0, high=16.0),
        company=r.string(head, "company", "form", default="header", choices=("header", "title", "none")),
        estate=r.string(head, "estate", "form", default="meta", choices=("meta", "none")),
        signatures=r.strings(head, "signatures", "form"), blocks=blocks, margin=margin,
    )


@lru_cache(maxsize=64)
def _cached(path: Path, mtime_ns: int) -> FormSpec:
    return parse_form(path)


def load_form(name_or_path: str | Path) -> FormSpec:
    """A form by id ("complaint-record") from forms/, or by file path; re-read when the file changes."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = forms_dir() / f"{name_or_path}.toml"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        known = "、".join(f.id for f in list_forms())
        raise BadInput(f"没有名为“{name_or_path}”的表单：可用的表单有 {known}") from None
    return _cached(path.resolve(), mtime)


def list_forms() -> list[FormSpec]:
    """Every form in forms/, ordered by form number."""
    return sorted((load_form(p) for p in forms_dir().glob("*.toml")), key=lambda f: f.number)
