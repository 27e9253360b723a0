"""tests/services/test_ledger.py again, on PostgreSQL (only with BUTLER_DESK_PG_URL set)."""

from __future__ import annotations

import pytest

from tests.pgserver import pg_ctx, pg_db, pg_schema_url, server_only  # noqa: F401 - fixtures
from tests.services.ledger.test_ledger import *  # noqa: F403 - the same checks


@pytest.fixture
def ctx(pg_ctx):  # noqa: F811 - the services' context on the server instead of a SQLite file
    return pg_ctx


_server_only = server_only()
