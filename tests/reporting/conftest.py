"""Shared fixtures for the PDF tests: a company, a font set without rare-character fallbacks."""

from __future__ import annotations

import pytest

from butler_desk.reporting.document import CompanyInfo
from butler_desk.reporting.fonts import FontSet, get_fontset, load_font


@pytest.fixture()
def company() -> CompanyInfo:
    return CompanyInfo(name="安居物业服务有限公司", estate="翠湖花园", service_centre="物业服务中心",
                       phone="0571-88886666", address="浙江省杭州市西湖区翠湖路 88 号", postcode="310012")


@pytest.fixture()
def bare_fonts() -> FontSet:
    """The main font alone: no fallback may supply a rare character, so 𠮷 is always missing."""
    main = get_fontset()
    font = load_font(main.main_source)
    assert font is not None
    return FontSet(main.main_source, font, [])
