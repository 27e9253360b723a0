"""Notice and letter templates (forms/notices/*.toml): declared fields, checked values, body text."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from butler_desk.domain import clock
from butler_desk.domain.errors import BadInput
from butler_desk.paths import forms_dir
from butler_desk.reporting.formspec import ColumnSpec, FormReader
from butler_desk.reporting.specfile import SpecReader, read_toml
from butler_desk.reporting.values import format_date_cn, format_datetime_cn, plain, to_yuan

KIND = "通知模板文件"
NOTICE_FIELD_TYPES = ("text", "multiline", "date", "datetime", "time", "money", "number", "choice", "table")
# {you}: "各位业主、住户" on the board notice, "您" in a letter to one household.
BUILT_IN = ("company", "estate", "service_centre", "service_phone", "company_address", "company_postcode",
            "date", "title", "you")
_KEY = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class NoticeField:
    key: str
    label: str
    type: str = "text"
    required: bool = False
    options: tuple[str, ...] = ()
    after: str = ""  # another field this one must not precede (end after start)
    hint: str = ""  # shown by the UI under the input
    columns: tuple[ColumnSpec, ...] = ()  # type = "table"
    default: str = ""  # text, or built-in placeholders such as "{service_phone}" (小区信息's 服务电话)


@dataclass(frozen=True)
class NoticeTemplate:
    """A notice: title, salutation, body paragraphs with {placeholders}, closing, declared fields."""

    id: str
    path: Path
    title: str
    board_salutation: str
    closing: str
    body: tuple[str, ...]
    note: str
    fields: tuple[NoticeField, ...]

    def field(self, key: str) -> NoticeField | None:
        return next((f for f in self.fields if f.key == key), None)


def _placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def parse_notice(path: Path) -> NoticeTemplate:
    data, r = read_toml(path, KIND)
    r.table(data, "", ("notice", "fields"))
    head = r.table(data.get("notice"), "notice", ("title", "board_salutation", "closing", "body", "note"))
    fields = tuple(_field(r, f, f"fields[{i}]") for i, f in enumerate(r.tables(data.get("fields"), "fields")))
    keys = {f.key for f in fields}
    for i, f in enumerate(fields):
        if f.key in BUILT_IN:
            raise r.error(f"fields[{i}].key", f"“{f.key}”是内置名称（公司、日期等），请换一个键名")
        if f.after and (f.after not in keys or f.after == f.key):
            raise r.error(f"fields[{i}].after", f"“{f.after}”不是本模板里另一个字段的键名")
    body = r.strings(head, "body", "notice")
    if not body:
        raise r.error("notice.body", "正文至少要有一段")
    for n, paragraph in enumerate(body):
        try:
            names = _placeholders(paragraph)
        except ValueError:
            raise r.error("notice.body", f"第 {n + 1} 段的花括号没有配对：{paragraph[:20]}…") from None
        for name in names:
            if name not in keys and name not in BUILT_IN:
                raise r.error("notice.body", f"第 {n + 1} 段用了未声明的占位符 {{{name}}}，"
                              f"请在 [[fields]] 中声明，或改用内置的 {'、'.join(BUILT_IN)}")
            spec = next((f for f in fields if f.key == name), None)
            if spec is not None and spec.type == "table" and paragraph.strip() != "{" + name + "}":
                raise r.error("notice.body", f"表格 {{{name}}} 必须单独成段")
    return NoticeTemplate(
        id=path.stem, path=path, title=r.string(head, "title", "notice"),
        board_salutation=r.string(head, "board_salutation", "notice", default="尊敬的各位业主、住户："),
        closing=r.string(head, "closing", "notice", default="特此通知。"), body=body,
        note=r.string(head, "note", "notice", default=""), fields=fields,
    )


def _field(r: SpecReader, data: object, path: str) -> NoticeField:
    d = r.table(data, path, ("key", "label", "type", "required", "options", "after", "hint", "columns", "default"))
    key = r.string(d, "key", path)
    if not _KEY.fullmatch(key):
        raise r.error(f"{path}.key", f"键名“{key}”只能用小写英文字母、数字和下划线")
    kind = d.get("type", "text")
    if kind not in NOTICE_FIELD_TYPES:
        raise r.error(f"{path}.type", f"未知的数据类型“{kind}”，可用：{'、'.join(NOTICE_FIELD_TYPES)}")
    columns: list[ColumnSpec] = []
    for i, raw in enumerate(r.tables(d.get("columns"), f"{path}.columns")):
        column = FormReader(r, 0.0).column(raw, f"{path}.columns[{i}]")
        if column.type not in ("text", "money", "number", "seq"):
            raise r.error(f"{path}.columns[{i}].type",
                          f"表格列的数据类型只能是 text、money、number、seq，现为“{column.type}”")
        columns.append(column)
    if kind == "table" and not columns:
        raise r.error(f"{path}.columns", "表格字段需要 [[fields.columns]] 列定义")
    options = r.strings(d, "options", path)
    if kind == "choice" and not options:
        raise r.error(f"{path}.options", "选择类字段需要列出选项")
    default = r.string(d, "default", path, default="")
    try:
        unknown = [n for n in _placeholders(default) if n not in BUILT_IN]
    except ValueError:
        raise r.error(f"{path}.default", "默认值的花括号没有配对") from None
    if unknown:
        raise r.error(f"{path}.default", f"默认值只能用内置的 {'、'.join(BUILT_IN)}，不认识 {{{unknown[0]}}}")
    if default and kind not in ("text", "multiline"):
        raise r.error(f"{path}.default", "只有文字字段可以有默认值")
    return NoticeField(key, r.string(d, "label", path), kind, r.boolean(d, "required", path, default=False),
                       options, r.string(d, "after", path, default=""), r.string(d, "hint", path, default=""),
                       tuple(columns), default)


@lru_cache(maxsize=32)
def _cached(path: Path, mtime_ns: int) -> NoticeTemplate:
    return parse_notice(path)


def notices_dir() -> Path:
    return forms_dir() / "notices"


def load_notice(name_or_path: str | Path) -> NoticeTemplate:
    """A template by id ("water-outage") from forms/notices/, or by path; re-read when it changes."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = notices_dir() / f"{name_or_path}.toml"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        known = "、".join(t.id for t in list_notices())
        raise BadInput(f"没有名为“{name_or_path}”的通知模板：可用的模板有 {known}") from None
    return _cached(path.resolve(), mtime)


def list_notices() -> list[NoticeTemplate]:
    return sorted((load_notice(p) for p in notices_dir().glob("*.toml")), key=lambda t: t.id)


# -- values ----------------------------------------------------------------------------------------
def field_defaults(template: NoticeTemplate, builtins: Mapping[str, str]) -> dict[str, str]:
    """Each field's default with the estate's details filled in ({service_phone} → 0755-28881234).

    A default whose details are not recorded (小区信息 has no 服务电话) is left out, so the
    field stays empty and, when required, asks to be filled.
    """
    out: dict[str, str] = {}
    for f in template.fields:
        if not f.default:
            continue
        names = _placeholders(f.default)
        if any(not str(builtins.get(n, "")).strip() for n in names):
            continue
        out[f.key] = f.default.format_map({n: builtins[n] for n in names}).strip()
    return out


def with_defaults(template: NoticeTemplate, values: Mapping[str, Any], builtins: Mapping[str, str]) -> dict[str, Any]:
    """``values`` with each field left blank given its default (a value typed always wins)."""
    out = dict(values)
    for key, default in field_defaults(template, builtins).items():
        raw = out.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            out[key] = default
    return out


def check_values(template: NoticeTemplate, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``values`` against the template; returns them typed (strings parsed to dates etc.).

    Every problem is a BadInput naming the field's Chinese label, with ``field`` = its key.
    """
    unknown = set(values) - {f.key for f in template.fields}
    if unknown:
        raise BadInput(f"模板“{template.title}”没有这些字段：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    out: dict[str, Any] = {}
    for f in template.fields:
        raw = values.get(f.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()) or (f.type == "table" and not raw):
            if f.required:
                raise BadInput(f"请填写“{f.label}”：这是必填项。", field=f.key)
            out[f.key] = None
            continue
        out[f.key] = _typed(f, raw)
    for f in template.fields:
        if f.after and out.get(f.key) is not None and out.get(f.after) is not None:
            earlier = template.field(f.after)
            if _as_datetime(out[f.key]) < _as_datetime(out[f.after]):
                raise BadInput(f"“{f.label}”早于“{earlier.label if earlier else f.after}”，请检查时间。",
                               field=f.key)
    return out


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    return datetime.combine(date.min, value)


def _typed(f: NoticeField, raw: Any) -> Any:
    wrong = BadInput(f"“{f.label}”的格式不对：{_expected(f.type)}", field=f.key)
    if f.type in ("datetime", "date", "time") and isinstance(raw, str):
        try:
            raw = {"datetime": datetime.fromisoformat, "date": date.fromisoformat,
                   "time": time.fromisoformat}[f.type](raw.strip())
        except ValueError:
            raise wrong from None
    if f.type == "datetime" and not isinstance(raw, datetime):
        raise wrong
    if f.type == "date" and (not isinstance(raw, date) or isinstance(raw, datetime)):
        raise wrong
    if f.type == "time" and not isinstance(raw, time):
        raise wrong
    if f.type in ("money", "number") and not isinstance(raw, str):
        try:
            to_yuan(raw) if f.type == "money" else Decimal(str(raw))
        except (TypeError, InvalidOperation):
            raise wrong from None
    if f.type == "choice" and plain(raw) not in f.options:
        raise BadInput(f"“{f.label}”应为 {'、'.join(f.options)} 之一", field=f.key)
    if f.type == "table" and (not isinstance(raw, Sequence) or isinstance(raw, str)
                               or not all(isinstance(r, Mapping) for r in raw)):
        raise wrong
    return raw


def _expected(kind: str) -> str:
    return {"datetime": "应为日期和时间，如 2026-12-03 08:00", "date": "应为日期，如 2026-12-03",
            "time": "应为时间，如 08:00", "money": "应为金额，如 35.00", "number": "应为数字",
            "table": "应为若干行的列表"}.get(kind, "应为文字")


def text_value(f: NoticeField, value: Any) -> str:
    """A checked value as it reads inside a sentence of the notice."""
    if value is None:
        return ""
    if f.type == "datetime":
        return format_datetime_cn(value)
    if f.type == "date":
        return format_date_cn(value)
    if f.type == "time":
        return f"{value:%H:%M}"
    if f.type == "money" and not isinstance(value, str):
        return f"{to_yuan(value)}元"
    return plain(value)


def issued_text(issued_on: date | None) -> str:
    return format_date_cn(issued_on or clock.today())
