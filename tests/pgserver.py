"""PostgreSQL for the tests that run the data layer on a server, only when BUTLER_DESK_PG_URL is set.

Each test gets a schema of its own in that database (created, put first on the search
path, dropped afterwards), so the URL may name any database the role can create schemas
in; nothing outside the test's schema is touched. Without the variable these tests skip
and CI stays SQLite-only. Example:
``BUTLER_DESK_PG_URL=postgresql+psycopg://butler:butler@localhost/butler_desk_test``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_URL_VARIABLE = "BUTLER_DESK_PG_URL"


def server_url() -> str:
    """The URL from the environment (with the psycopg driver), or skip the test."""
    raw = os.environ.get(PG_URL_VARIABLE, "").strip()
    if not raw:
        pytest.skip(f"{PG_URL_VARIABLE} is not set: the PostgreSQL checks run only against a server")
    pytest.importorskip("psycopg", reason="the psycopg driver is needed for PostgreSQL")
    from sqlalchemy.engine import make_url

    url = make_url(raw)
    if url.drivername == "postgresql":  # SQLAlchemy would pick psycopg2, which we do not use
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def url_for_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on the search path of every connection."""
    from sqlalchemy.engine import make_url

    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped afterwards."""
    from sqlalchemy import create_engine, text

    url = server_url()
    schema = f"bd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url_for_schema(url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_db(pg_schema_url):
    """A migrated Database on PostgreSQL, opened as the app opens a server (``open_url``)."""
    from butler_desk.storage.database import open_url

    db = open_url(pg_schema_url)
    yield db
    db.dispose()


@pytest.fixture
def pg_ctx(pg_db):
    """The services' AppContext on PostgreSQL, operator 李晓红 (as the SQLite ``ctx`` fixture)."""
    from butler_desk.services.context import AppContext

    return AppContext(db=pg_db, operator="李晓红")


def server_only(sqlite_only: dict[str, str] | None = None):
    """An autouse fixture for a module that re-runs a SQLite test module on the server.

    It skips the tests that would not touch the server (they open a SQLite file of their
    own through ``db_path`` or a demo file) and those named in ``sqlite_only`` (test name:
    why, e.g. they compare SQLite's stored text), so every test that runs here runs on
    PostgreSQL.
    """
    exceptions = dict(sqlite_only or {})

    @pytest.fixture(autouse=True)
    def _server_only(request):
        name = request.node.originalname
        if name in exceptions:
            pytest.skip(f"SQLite only: {exceptions[name]}")
        if "ctx" not in request.fixturenames or "db_path" in request.fixturenames:
            pytest.skip("works on a SQLite file of its own; runs in the SQLite suite")
        server_url()

    return _server_only
