"""Reading PDFs back for tests: poppler's pdffonts/pdftotext, pypdf for pages and content streams."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    """A word as pdftotext -bbox sees it: points from the page's top-left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class PageWords:
    width: float
    height: float
    words: list[Word]

    def text(self) -> str:
        return "".join(w.text for w in self.words)

    def find(self, text: str) -> list[Word]:
        return [w for w in self.words if w.text == text]


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts rows as dicts: name, type, emb, sub."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+", line)
        assert match, f"unparsed pdffonts line: {line!r}"
        rows.append({"name": match.group(1), "type": match.group(2), "emb": match.group(4), "sub": match.group(5)})
    return rows


def text(path: Path, *, layout: bool = False, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages_text(path: Path) -> list[str]:
    """Text per page, in page order, whitespace removed (pdftotext drops or invents spaces in CJK)."""
    return [flat(text(path, page=n)) for n in range(1, page_count(path) + 1)]


def flat(value: str) -> str:
    return re.sub(r"\s+", "", value)


def flat_text(path: Path) -> str:
    """The whole document's text with whitespace removed, for "does it say X" checks."""
    return flat(text(path))


def words(path: Path) -> list[PageWords]:
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        found = [Word(html.unescape(m.group(5)), float(m.group(1)), float(m.group(2)), float(m.group(3)),
                      float(m.group(4)))
                 for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                                      r"(.*?)</word>", page.group(3))]
        pages.append(PageWords(float(page.group(1)), float(page.group(2)), found))
    return pages


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def content_stream(path: Path, page: int = 0) -> bytes:
    return PdfReader(str(path)).pages[page].get_contents().get_data()
