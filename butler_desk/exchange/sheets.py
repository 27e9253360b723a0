"""Low-level spreadsheet reading: recognise the file, stream its sheets with merged cells expanded."""

from __future__ import annotations

import csv
import functools
import glob
import io
import logging
import os
import time
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Self
from xml.etree.ElementTree import ParseError

from lxml import etree
from openpyxl.utils.exceptions import InvalidFileException

from butler_desk.domain.errors import BadInput
from butler_desk.exchange.xlsx_stream import MergedRange, dimension_rows, load_streaming_workbook, read_merged_ranges

_log = logging.getLogger(__name__)

# One streamed row: (Excel row number, cell values with merged ranges filled in, whether the
# row holds any value of its own). A row whose only content comes from a range merged down
# from above is blank for the reader: it is the tail of a merge, not data.
SheetRow = tuple[int, list[Any], bool]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# An encrypted OOXML file is an OLE container whose directory names these streams (UTF-16LE).
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_CSV_SNIFF_LINES = 50
_PARSE_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    etree.XMLSyntaxError,
    ParseError,  # openpyxl streams a sheet's rows with the standard library's parser
    InvalidFileException,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
)


def corrupt_file(path: Path) -> BadInput:
    """The message for a file that looks like a workbook but cannot be read to the end."""
    return BadInput(
        f"文件“{path.name}”已损坏或不完整，无法读取：请在 Excel 或 WPS 中打开它并重新保存为 .xlsx，"
        "如果打不开，请重新下载或从原始位置重新拷贝该文件"
    )


def _unreadable(path: Path) -> BadInput:
    return BadInput(
        f"无法读取文件“{path.name}”：它可能正被 Excel、WPS 或其他程序打开，或没有读取权限。"
        "请关闭该文件后重试"
    )


class SheetSource:
    """One sheet (or a CSV file) that can be streamed row by row."""

    name: str
    estimated_rows: int  # from the sheet's dimension; 0 when unknown

    def rows(self) -> Iterator[SheetRow]:
        raise NotImplementedError


class Spreadsheet:
    """An opened .xlsx/.xlsm or .csv file; use as a context manager so files are closed."""

    def __init__(self, path: Path, sheets: list[SheetSource], closers: list[Any]) -> None:
        self.path = path
        self.sheets = sheets
        self._closers = closers

    def close(self) -> None:
        for closer in self._closers:
            try:
                closer.close()
            except Exception:  # noqa: BLE001 - closing is best effort; the read already ended
                _log.debug("closing %s failed", self.path, exc_info=True)
        self._closers = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_spreadsheet(path: Path) -> Spreadsheet:
    """Open ``path`` by its content (not its extension) or raise ``BadInput`` saying why not.

    Recognises .xlsx/.xlsm (also when renamed), CSV/TSV text in UTF-8, UTF-16 or GBK, and
    names the common wrong files: old .xls, password-protected workbooks, .xlsb, .ods,
    web pages saved as .xls, Word documents, PDFs, empty and truncated files.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(f"找不到文件“{path.name}”：它可能已被移动、改名或删除，请重新选择文件")
    if path.is_dir():
        raise BadInput(f"“{path.name}”是一个文件夹，请选择其中的 Excel 或 CSV 文件")
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError as exc:
        raise _unreadable(path) from exc
    if size == 0:
        raise BadInput(f"文件“{path.name}”是空的（0 字节）：请确认选对了文件，或重新保存后再导入")
    if head.startswith(_OLE_MAGIC):
        raise _ole_problem(path)
    if head.startswith(_ZIP_MAGICS):
        return _open_xlsx(path)
    _reject_other_formats(path, head)
    return _open_csv(path)


def _ole_problem(path: Path) -> BadInput:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path) from exc
    if any(marker in data for marker in _ENCRYPTION_MARKERS):
        return BadInput(
            f"文件“{path.name}”设置了打开密码，无法读取：请在 Excel 中用密码打开它，"
            "在“文件 → 信息 → 保护工作簿 → 用密码进行加密”中清空密码并保存，然后再导入"
        )
    return BadInput(
        f"文件“{path.name}”是旧版 Excel 97-2003 格式（.xls）或 WPS 格式，无法直接读取："
        "请在 Excel 中另存为 .xlsx 后再导入"
    )


def _reject_other_formats(path: Path, head: bytes) -> None:
    lowered = head[:4096].lower()
    if head.startswith(b"%PDF"):
        raise BadInput(f"文件“{path.name}”是 PDF 文档，不是表格：请选择 .xlsx 或 .csv 文件")
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        raise BadInput(f"文件“{path.name}”是 Excel 2003 XML 表格：请在 Excel 中另存为 .xlsx 后再导入")
    if lowered.lstrip().startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in lowered:
        raise BadInput(
            f"文件“{path.name}”其实是网页（HTML），只是扩展名像表格（一些系统导出的 .xls 就是这样）："
            "请在 Excel 中打开它并另存为 .xlsx 后再导入"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text: Excel's "Unicode text" export
    if b"\x00" in head:
        raise BadInput(f"文件“{path.name}”不是 Excel 表格或 CSV 文件：请选择 .xlsx、.xlsm 或 .csv 文件")


# --- xlsx -----------------------------------------------------------------------------


def _open_xlsx(path: Path) -> Spreadsheet:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise corrupt_file(path) from exc
    names = set(archive.namelist())
    if not any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names):
        archive.close()
        raise _other_zip(path, names)
    handle: IO[bytes] | None = None
    try:
        handle = open(path, "rb")  # noqa: SIM115 - stays open for streaming; Spreadsheet.close() closes it
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation extensions, slicers);
            # they are irrelevant to reading values.
            warnings.simplefilter("ignore")
            # A file object bypasses openpyxl's extension check, so a renamed file still opens.
            book = load_streaming_workbook(handle)
    except OSError as exc:
        archive.close()
        if handle:
            handle.close()
        raise _unreadable(path) from exc
    except _PARSE_ERRORS as exc:
        archive.close()
        if handle:
            handle.close()
        raise corrupt_file(path) from exc
    sheets: list[SheetSource] = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets hold lookup lists and leftovers the user cannot see
        sheets.append(_XlsxSheet(path, ws, archive))
    return Spreadsheet(path, sheets, [book, archive, handle])


def _other_zip(path: Path, names: set[str]) -> BadInput:
    if "xl/workbook.bin" in names:
        return BadInput(f"文件“{path.name}”是 Excel 二进制工作簿（.xlsb）：请在 Excel 中另存为 .xlsx 后再导入")
    if "mimetype" in names and any(n == "content.xml" for n in names):
        return BadInput(
            f"文件“{path.name}”是 OpenDocument 表格（.ods）或文档：请在 WPS / LibreOffice 中另存为 .xlsx 后再导入"
        )
    if any(n.startswith("word/") for n in names):
        return BadInput(f"文件“{path.name}”是 Word 文档，不是表格：请选择 .xlsx 或 .csv 文件")
    if any(n.startswith("ppt/") for n in names):
        return BadInput(f"文件“{path.name}”是 PowerPoint 演示文稿，不是表格：请选择 .xlsx 或 .csv 文件")
    return BadInput(f"文件“{path.name}”是压缩包，不是 Excel 表格：请解压后选择其中的 .xlsx 或 .csv 文件")


class _XlsxSheet(SheetSource):
    def __init__(self, path: Path, ws: Any, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.name = ws.title
        self._ws = ws
        self._archive = archive

    @functools.cached_property
    def estimated_rows(self) -> int:  # type: ignore[override]
        # The dimension record is only a hint, never a limit (some generators write "A1" for
        # a full sheet): the sheet is unsized, so openpyxl streams every row there is.
        try:
            with self._archive.open(self._ws._worksheet_path) as stream:
                return dimension_rows(stream)
        except OSError as exc:
            raise _unreadable(self.path) from exc
        except _PARSE_ERRORS as exc:
            raise corrupt_file(self.path) from exc

    def merged_ranges(self) -> list[MergedRange]:
        # openpyxl keeps the part name it resolved from the workbook relationships.
        part = self._ws._worksheet_path
        try:
            return read_merged_ranges(lambda: self._archive.open(part))
        except OSError as exc:
            raise _unreadable(self.path) from exc
        except _PARSE_ERRORS as exc:
            raise corrupt_file(self.path) from exc

    def _raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """openpyxl's rows, with damage inside the file turned into a message for the user."""
        rows = self._ws.values_by_row()
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except OSError as exc:
                raise _unreadable(self.path) from exc
            except _PARSE_ERRORS as exc:
                raise corrupt_file(self.path) from exc
            yield row

    def rows(self) -> Iterator[SheetRow]:
        starts: dict[int, list[MergedRange]] = {}
        for merged in self.merged_ranges():
            if merged.max_row > merged.min_row or merged.max_col > merged.min_col:
                starts.setdefault(merged.min_row, []).append(merged)
        # Each active merge: (last row, first column index, last column index, value).
        active: list[tuple[int, int, int, Any]] = []
        for number, values in self._raw_rows():
            own = _has_value(values)
            starting = starts.pop(number, None)
            if starting:
                width = len(values)
                for m in starting:
                    value = values[m.min_col - 1] if m.min_col <= width else None
                    active.append((m.max_row, m.min_col - 1, m.max_col - 1, value))
            if active:
                active = [a for a in active if a[0] >= number]
                if active:
                    _fill_merges(values, active)
            yield number, values, own


def _fill_merges(values: list[Any], active: list[tuple[int, int, int, Any]]) -> None:
    needed = max(a[2] for a in active) + 1
    if len(values) < needed:
        values.extend([None] * (needed - len(values)))
    for _last, first_col, last_col, value in active:
        for col in range(first_col, last_col + 1):
            values[col] = value


def _has_value(values: list[Any] | tuple[Any, ...]) -> bool:
    for v in values:
        if v is None:
            continue
        if type(v) is str and not v.strip():
            continue
        return True
    return False


# --- csv ------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: a BOM decides; else strict UTF-8; else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise BadInput(
            "无法识别文件的文字编码（既不是 UTF-8 也不是 GBK）：请在 Excel 中打开后另存为 .xlsx，"
            "或另存为“CSV UTF-8（逗号分隔）”"
        ) from exc


def sniff_delimiter(text: str) -> str:
    """Pick the separator (comma, tab or semicolon) that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:_CSV_SNIFF_LINES] if line.strip()]
    best, best_score = ",", 0
    for delimiter in (",", "\t", ";"):
        counts = [line.count(delimiter) for line in lines]
        # A real separator appears on most lines; the header line usually has the most.
        score = sum(counts) + 10 * sum(1 for c in counts if c)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class _CsvSheet(SheetSource):
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.name = path.stem
        self._text = text
        self.estimated_rows = text.count("\n") + 1

    def rows(self) -> Iterator[SheetRow]:
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=sniff_delimiter(self._text))
        try:
            for number, record in enumerate(reader, start=1):
                values: list[Any] = [_unwrap_csv_formula(v) for v in record]
                yield number, values, _has_value(values)
        except csv.Error as exc:
            raise BadInput(
                f"CSV 文件“{self.path.name}”格式有误（{exc}）：请在 Excel 中打开后另存为 .xlsx 再导入"
            ) from exc


def _unwrap_csv_formula(value: str) -> str | None:
    # Some systems export ="0571..." so Excel keeps leading zeros; the value is the inner text.
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        value = value[2:-1]
    return value if value else None


def _open_csv(path: Path) -> Spreadsheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path) from exc
    text = decode_text(data)
    if not text.strip():
        raise BadInput(f"文件“{path.name}”里没有任何内容：请确认选对了文件")
    return Spreadsheet(path, [_CsvSheet(path, text)], [])


_STALE_PARTIAL_SECONDS = 24 * 3600


def _remove_stale_partials(out: Path) -> None:
    """Delete what an earlier, killed save of ``out`` left beside it (it may hold personal data)."""
    for partial in out.parent.glob(f".{glob.escape(out.stem)}.*.partial.xlsx"):
        pid_text = partial.name[len(out.stem) + 2 : -len(".partial.xlsx")]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            if _process_gone(int(pid_text)) or time.time() - partial.stat().st_mtime > _STALE_PARTIAL_SECONDS:
                partial.unlink()
        except OSError:
            _log.debug("could not remove %s", partial, exc_info=True)


def _process_gone(pid: int) -> bool:
    if os.name != "posix":
        return False  # os.kill(pid, 0) would end the process on Windows: rely on the file's age
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def save_workbook(book: Any, out: Path) -> Path:
    """Save an openpyxl workbook atomically: a half-written file never replaces a good one.

    The file is written under a hidden name in the target folder and renamed when
    complete; leftovers of a killed earlier save of the same file are removed first.
    """
    out = Path(out)
    temp = out.with_name(f".{out.stem}.{os.getpid()}.partial.xlsx")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(out)
        book.save(temp)
        os.replace(temp, out)
    except PermissionError as exc:
        temp.unlink(missing_ok=True)
        raise BadInput(
            f"无法保存“{out.name}”：文件可能正在 Excel 或 WPS 中打开，或该文件夹没有写入权限。"
            "请关闭该文件后重试，或换一个文件名"
        ) from exc
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise BadInput(f"无法保存“{out}”（{exc.strerror or exc}）：请换一个位置保存") from exc
    return out
