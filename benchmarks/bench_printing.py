"""Batch printing benchmark: n personalised letters + n envelopes, ours against minimal raw reportlab.

Each side runs in its own subprocess so peak memory (ru_maxrss) is its own. The raw side
draws the same strings at the same sizes with bare ``setFont``/``drawString``/``rect``
calls: the ceiling our engine (fallback fonts, wrapping, layout) is measured against.

    uv run python -m benchmarks.bench_printing [n]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.6
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
COMPANY = {"name": "安居物业服务有限公司", "estate": "翠湖花园", "phone": "0571-88886666",
           "address": "浙江省杭州市西湖区翠湖路 88 号", "postcode": "310012"}
VALUES = {"start": datetime(2026, 12, 3, 8, 0), "end": datetime(2026, 12, 3, 17, 0), "area": "1—6 栋全部单元",
          "reason": "二次供水水池年度清洗消毒", "contact_phone": "0571-88886666"}


def recipients(n: int) -> list[dict[str, str]]:
    """Synthetic households: a third mailed to an outside address, the rest delivered by hand."""
    people = []
    for i in range(n):
        room = f"{i % 12 + 1}栋{i % 3 + 1}单元{(i // 36) % 30 + 1}{i % 4 + 1:02d}"
        outside = i % 3 == 0
        people.append({
            "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
            "room": room,
            "address": f"上海市浦东新区世纪大道 {100 + i % 900} 号 {i % 30 + 1} 楼" if outside else "",
            "postcode": "200120" if outside else "",
        })
    return people


def _ours(n: int, folder: Path) -> dict[str, float]:
    from butler_desk.reporting.notices import render_letters

    people = recipients(n)
    started = time.perf_counter()
    batch = render_letters("water-outage", VALUES, people, COMPANY, folder / "ours-letters.pdf",
                           envelopes_out=folder / "ours-envelopes.pdf")
    elapsed = time.perf_counter() - started
    assert batch.envelopes is not None
    return {"seconds": elapsed, "pages": batch.letters.pages + batch.envelopes.pages,
            "bytes": (folder / "ours-letters.pdf").stat().st_size}


def _raw(n: int, folder: Path) -> dict[str, float]:
    """The same strings drawn with the least code reportlab allows (one font, no fallback, no checks)."""
    from reportlab.lib.colors import Color
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from butler_desk.paths import resource_path
    from butler_desk.reporting.document import CompanyInfo, Recipient, fill_placeholders
    from butler_desk.reporting.noticespec import check_values, issued_text, load_notice, text_value

    spec = load_notice("water-outage")
    checked = check_values(spec, VALUES)
    words = {f.key: text_value(f, checked.get(f.key)) for f in spec.fields}
    words["end"] = f"{VALUES['end']:%H:%M}"
    info = CompanyInfo.coerce(COMPANY)
    words.update(info.placeholders(), date=issued_text(None))
    paragraphs = [fill_placeholders(p, words) for p in spec.body if "{arrangement}" not in p] + [spec.closing]
    people = [Recipient.coerce(p) for p in recipients(n)]

    started = time.perf_counter()
    font = "RawCJK"
    pdfmetrics.registerFont(TTFont(font, str(resource_path("fonts", "wqy-microhei.ttc"))))
    width = A4[0] - 50 * mm

    def wrap(text: str, size: float, indent: float) -> list[str]:
        lines, line, used = [], "", indent
        for ch in text:
            w = pdfmetrics.stringWidth(ch, font, size)
            if used + w > width:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        return [*lines, line]

    body = [wrap(p, 12, 24) for p in paragraphs]
    c = Canvas(str(folder / "raw-letters.pdf"), pagesize=A4, initialFontName=font)
    for person in people:
        y = A4[1] - 18 * mm
        c.setFont(font, 15)
        c.drawCentredString(A4[0] / 2, y - 6 * mm, info.name)
        c.line(25 * mm, y - 9.5 * mm, A4[0] - 25 * mm, y - 9.5 * mm)
        c.setFont(font, 20)
        c.drawCentredString(A4[0] / 2, y - 42, spec.title)
        c.setFont(font, 10)
        c.drawRightString(A4[0] - 25 * mm, y - 60, f"房号：{person.room}")
        c.setFont(font, 12)
        y -= 100
        c.drawString(25 * mm, y, f"尊敬的{person.addressee()}：")
        for lines in body:
            for n_line, text in enumerate(lines):
                y -= 21.6
                c.drawString(25 * mm + (24 if n_line == 0 else 0), y, text)
        for text in (info.name, info.service_centre, words["date"]):
            y -= 21.6
            c.drawCentredString(A4[0] - 60 * mm, y, text)
        c.showPage()
    c.save()

    env = Canvas(str(folder / "raw-envelopes.pdf"), pagesize=(220 * mm, 110 * mm), initialFontName=font)
    red = Color(0.85, 0.12, 0.10)
    for person in people:
        env.setStrokeColor(red)
        for i in range(6):
            env.rect((20 + i * 10) * mm, 85 * mm, 8 * mm, 10 * mm)
        env.rect(186 * mm, 72 * mm, 24 * mm, 28 * mm)
        env.setFont(font, 9)
        env.drawCentredString(198 * mm, 86 * mm, "贴邮票处")
        env.setFont(font, 16)
        for i, digit in enumerate(person.postcode):
            env.drawCentredString((24 + i * 10) * mm, 88 * mm, digit)
        env.setFont(font, 10)
        env.drawString(25 * mm, 64 * mm, "地址：")
        env.drawString(25 * mm, 51 * mm, "收件人：")
        env.drawString(25 * mm, 42 * mm, "电话(选填)：")
        env.setFont(font, 12)
        env.drawString(40 * mm, 64 * mm, person.address or f"{info.estate}{person.room}")
        env.setFont(font, 16)
        env.drawCentredString(110 * mm, 51 * mm, f"{person.name}　收")
        env.setFont(font, 9)
        env.drawRightString(205 * mm, 34 * mm, info.address)
        env.drawRightString(205 * mm, 40 * mm, f"{info.name}{info.service_centre}")
        env.drawRightString(205 * mm, 22.5 * mm, f"邮政编码：{info.postcode}")
        env.showPage()
    env.save()
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "pages": 2 * n, "bytes": (folder / "raw-letters.pdf").stat().st_size}


def worker(side: str, n: int, folder: str) -> None:
    """Subprocess entry: render one side, print its figures as JSON."""
    figures = (_ours if side == "ours" else _raw)(n, Path(folder))
    from benchmarks.common import peak_rss_mb

    figures["max_rss_mb"] = peak_rss_mb()
    print(json.dumps(figures))


def _measure(side: str, n: int, folder: Path) -> dict[str, float]:
    code = f"from benchmarks.bench_printing import worker; worker({side!r}, {n}, {str(folder)!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(n: int = 5000) -> list[tuple[str, float, str]]:
    """Render n letters + n envelopes both ways; print and return (name, value, unit) lines."""
    with tempfile.TemporaryDirectory(prefix="bench-printing-") as tmp:
        folder = Path(tmp)
        raw = _measure("raw", n, folder)
        ours = _measure("ours", n, folder)
    ours_rate = ours["pages"] / ours["seconds"]
    raw_rate = raw["pages"] / raw["seconds"]
    rows = [
        (f"ours: {n} letters + {n} envelopes", ours["seconds"], "s"),
        ("ours: pages per second", ours_rate, "pages/s"),
        ("raw canvas: pages per second", raw_rate, "pages/s"),
        ("ratio ours / raw", ours_rate / raw_rate, f"target >= {TARGET_RATIO}"),
        ("ours: peak memory (max RSS)", ours["max_rss_mb"], "MB"),
        ("raw canvas: peak memory (max RSS)", raw["max_rss_mb"], "MB"),
        ("ours: letters PDF size", ours["bytes"] / 1e6, "MB"),
        ("raw canvas: letters PDF size", raw["bytes"] / 1e6, "MB"),
    ]
    for name, value, unit in rows:
        print(f"{name:<40} {value:>10.2f}  {unit}")
    return rows


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
