"""tests/services/test_requests.py again, on PostgreSQL (only with BUTLER_DESK_PG_URL set)."""

from __future__ import annotations

import pytest

from tests.pgserver import pg_ctx, pg_db, pg_schema_url, server_only  # noqa: F401 - fixtures
from tests.services.requests.test_requests import *  # noqa: F403 - the same checks


@pytest.fixture
def ctx(pg_ctx):  # noqa: F811 - the services' context on the server instead of a SQLite file
    return pg_ctx


_server_only = server_only({"test_changing_a_time_limit_moves_the_cached_deadlines_of_open_requests":
                               "compares the text SQLite stores for a datetime"})
