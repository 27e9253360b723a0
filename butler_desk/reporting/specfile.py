"""Reading declarative TOML files strictly, with errors that name the file, the line and the key path."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from butler_desk.domain.errors import BadInput

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_MESSAGES = {
    "Invalid value": "值的写法不对（文字要加英文引号，数字不加）",
    "Invalid statement": "这一行不是“键 = 值”的形式",
    "Cannot overwrite a value": "同一个键写了两次",
    "Cannot declare": "同一个表头写了两次",
    "Unterminated string": "引号没有配对",
    "Expected '=' after a key in a key/value pair": "键后面缺少“=”",
    "Expected newline or end of document after a statement": "一行只能写一个“键 = 值”",
    "Unclosed array": "方括号没有配对",
    "Illegal character": "有不允许的字符（如中文引号）",
}


def locate(text: str, key_path: str) -> int | None:
    """Best-effort 1-based line of ``key_path`` (e.g. ``blocks[2].columns[1].width``) in TOML text."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    prefix = ""
    found: int | None = None
    for part in key_path.split("."):
        match = re.fullmatch(r"([\w-]+)(?:\[(\d+)\])?", part)
        if not match:
            return found
        name, index = match.group(1), match.group(2)
        full = f"{prefix}.{name}" if prefix else name
        if index is not None:
            header = re.compile(rf"\s*\[\[\s*{re.escape(full)}\s*\]\]")
            hits = [i for i in range(start, end) if header.match(lines[i])]
            if int(index) >= len(hits):
                return found
            start = hits[int(index)]
            end = hits[int(index) + 1] if int(index) + 1 < len(hits) else end
            found = start + 1
        else:
            table = re.compile(rf"\s*\[{{1,2}}\s*{re.escape(full)}\s*\]")
            key = re.compile(rf"\s*{re.escape(name)}\s*=")
            line = next((i for i in range(start, end) if table.match(lines[i]) or key.match(lines[i])), None)
            if line is None:
                return found
            found = line + 1
            if table.match(lines[line]):
                start = line
        prefix = full
    return found


class SpecReader:
    """Type-checked access to one parsed file; every complaint names file, line and key path."""

    def __init__(self, path: Path, text: str, kind: str) -> None:
        self.path = path
        self.text = text
        self.kind = kind  # 表单定义文件 / 通知模板文件

    def error(self, key_path: str, what: str) -> BadInput:
        line = locate(self.text, key_path) if key_path else None
        where = f"第 {line} 行 " if line else ""
        return BadInput(f"{self.kind} {self.path.name} {where}{key_path}：{what}", field=key_path or None)

    def table(self, value: object, key_path: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(key_path, "应当是一个表（[名称] 或 [[名称]] 段）")
        known = set(allowed)
        for key in value:
            if key not in known:
                raise self.error(_join(key_path, key),
                                 f"不认识的键“{key}”，可用的键有：{'、'.join(sorted(known))}")
        return dict(value)

    def tables(self, value: object, key_path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key_path, "应当写成 [[…]] 段的列表")
        return value

    def string(self, data: Mapping[str, Any], key: str, key_path: str, *, default: str | None = None,
               choices: Iterable[str] | None = None) -> str:
        value = data.get(key, default)
        path = _join(key_path, key)
        if value is None:
            raise self.error(path, "缺少这一项，请补上")
        if not isinstance(value, str):
            raise self.error(path, "应当是加引号的文字")
        if choices is not None:
            options = tuple(choices)
            if value not in options:
                raise self.error(path, f"“{value}”不是可用的值，请从 {'、'.join(options)} 中选一个")
        return value

    def integer(self, data: Mapping[str, Any], key: str, key_path: str, *, default: int,
                low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(_join(key_path, key), f"应当是 {low} 到 {high} 之间的整数")
        return value

    def number(self, data: Mapping[str, Any], key: str, key_path: str, *, default: float,
               low: float, high: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.error(_join(key_path, key), f"应当是 {low:g} 到 {high:g} 之间的数")
        return float(value)

    def boolean(self, data: Mapping[str, Any], key: str, key_path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(_join(key_path, key), "应当是 true 或 false")
        return value

    def strings(self, data: Mapping[str, Any], key: str, key_path: str, *,
                default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(_join(key_path, key), "应当是加引号文字的列表，如 [\"正常\", \"不正常\"]")
        return tuple(value)


def _join(key_path: str, key: str) -> str:
    return f"{key_path}.{key}" if key_path else key


def read_toml(path: Path, kind: str) -> tuple[dict[str, Any], SpecReader]:
    """Parse ``path``; a syntax error becomes BadInput naming the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"找不到{kind} {path}：请检查文件名，或重新安装本软件。") from None
    except UnicodeDecodeError:
        raise BadInput(f"{kind} {path.name} 不是 UTF-8 编码：请用记事本“另存为 UTF-8”后再试。") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raw = str(exc)
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        match = _TOML_POSITION.search(raw)
        if line is None and match:
            line, column = int(match.group(1)), int(match.group(2))
        reason = _TOML_POSITION.sub("", raw).strip()
        hint = next((zh for en, zh in _TOML_MESSAGES.items() if reason.startswith(en)), "格式错误")
        where = f"第 {line} 行第 {column} 列" if line else "某处"
        raise BadInput(f"{kind} {path.name} {where}有语法错误：{hint}（{reason}）。请改正后再打印。") from None
    return data, SpecReader(path, text, kind)
