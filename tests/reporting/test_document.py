"""Safe writing of PDFs and the shared input types."""

from __future__ import annotations

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.reporting.document import CompanyInfo, Recipient
from butler_desk.reporting.forms import render_form


def test_a_rewrite_replaces_the_old_file_and_leaves_no_temporary_files(tmp_path, company):
    out = tmp_path / "form.pdf"
    out.write_bytes(b"old")

    render_form("sign-off-sheet", out, company=company)

    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["form.pdf"]


def test_a_folder_that_cannot_be_created_is_a_chinese_message(tmp_path, company):
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")

    with pytest.raises(BadInput) as caught:
        render_form("sign-off-sheet", blocker / "form.pdf", company=company)

    assert caught.value.field == "out" and "保存位置" in caught.value.message


def test_company_and_recipient_accept_plain_dicts():
    assert CompanyInfo.coerce({"name": "安居物业", "estate": "翠湖花园"}).estate == "翠湖花园"
    assert Recipient.coerce({"name": "张三", "room": "1栋101", "phone": "x"}).room == "1栋101"
    with pytest.raises(TypeError):
        CompanyInfo.coerce({"name": "安居物业", "bank": "x"})
