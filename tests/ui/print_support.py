"""Helpers and fixtures for the printing GUI tests: PDFs read back with poppler, a test PDF whose pages can
be told apart after printing, the estate's letterhead and a register of two notice batches.

Loaded by the test modules with ``pytest_plugins``; they also import its helpers, hence
PYTEST_DONT_REWRITE (it has no asserts to rewrite).
"""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from butler_desk.domain import clock
from butler_desk.services.ledger.views import EstateInfo

PAGES = 4
WATER = {"start": "2026-12-01 09:00", "end": "2026-12-01 17:00", "area": "3栋、5栋",
         "reason": "二次供水水池清洗", "contact_phone": "0755-28881234"}
LETTERHEAD = EstateInfo("翠湖花园", "安居物业服务有限公司", "翠湖花园物业服务中心", "深圳市龙岗区翠湖路88号",
                        "518116", "0755-28881234")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_pages(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def pdf_size_mm(path: Path) -> tuple[int, int]:
    """The first page's size in whole millimetres, as pdfinfo reads it."""
    width, _x, height = pdf_info(path)["Page size"].split()[:3]
    return round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)


def banded_pdf(path: Path, pages: int = PAGES, size=A4) -> Path:
    """Pages told apart by where their black band is: easy to recognise after printing as images."""
    canvas = Canvas(str(path), pagesize=size)
    for n in range(pages):
        top = size[1] - (n + 1) * (size[1] / (pages + 1))
        canvas.rect(0, top - size[1] / (pages + 1) / 2, size[0], size[1] / (pages + 1) / 2, stroke=0, fill=1)
        canvas.drawString(40, 40, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    return path


def bands_of(path: Path, tmp_path: Path, pages: int = PAGES) -> list[int]:
    """Which band (0-based) is dark on each page of a printed file, read through pdftoppm."""
    stem = tmp_path / "readback"
    subprocess.run(["pdftoppm", "-gray", "-r", "12", str(path), str(stem)], check=True)
    found = []
    for image in sorted(tmp_path.glob("readback-*.pgm")):
        data = image.read_bytes()
        parts = data.split(maxsplit=4)  # P5 width height maxval pixels
        width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
        dark_rows = [y for y in range(height) if sum(pixels[y * width:(y + 1) * width]) / width < 60]
        centre = sum(dark_rows) / len(dark_rows) / height
        found.append(round(centre * (pages + 1) - 0.75))
        image.unlink()
    return found


@pytest.fixture
def letterhead(ledger) -> EstateInfo:
    """The estate every letter, notice and envelope prints."""
    ledger.save_estate(LETTERHEAD)
    return LETTERHEAD


@pytest.fixture
def register(ctx, estate, letterhead, tmp_path):
    """Two batches: the water notice 20 days ago to every unit, the power notice 3 days ago to 3栋."""
    from butler_desk.services.documents.notices import NoticeService
    from butler_desk.services.documents.recipients import Selection

    notices = NoticeService(ctx)
    today = clock.today()
    old = notices.issue("water-outage", WATER, Selection(everyone=True), tmp_path / "old",
                        issued_on=today - timedelta(days=20))
    power = dict(WATER, area="3栋", reason="配电房检修")
    new = notices.issue("power-outage", power, Selection(buildings=("3",)), tmp_path / "new",
                        issued_on=today - timedelta(days=3))
    return old, new
