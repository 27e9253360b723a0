"""Services: built once, each area's service made on first use and kept; the change bus."""

from __future__ import annotations

import pytest

from butler_desk.services import Changes, ChangeBus, Services
from butler_desk.services.maintenance import open_context


def test_each_area_is_built_once_on_first_use(tmp_path):
    ctx = open_context(tmp_path / "estate.sqlite3")
    services = Services(ctx)
    try:
        assert "ledger" not in vars(services)
        assert services.ledger is services.ledger
        assert services.requests is services.requests
        assert services.printing.ctx is ctx
        services.sign_in("赵敏")
        assert services.operator == "赵敏" and services.ledger.ctx.operator == "赵敏"
    finally:
        services.close()


def test_changes_reach_the_subscribers_of_their_area_only():
    bus, seen = ChangeBus(), []
    bus.subscribe("requests", lambda c: seen.append(("requests", c.ids)))
    unsubscribe = bus.subscribe("*", lambda c: seen.append(("*", c.area)))
    bus.publish(Changes.of("requests", [3, 4], "added"))
    bus.publish(Changes.of("ledger", [1]))
    unsubscribe()
    bus.publish(Changes.of("ledger", [2]))
    assert seen == [("requests", (3, 4)), ("*", "requests"), ("*", "ledger")]


def test_a_failing_listener_does_not_stop_the_others():
    bus, seen = ChangeBus(), []
    bus.subscribe("ledger", lambda c: 1 / 0)
    bus.subscribe("ledger", lambda c: seen.append(c.ids))
    bus.publish(Changes.of("ledger", [7]))
    assert seen == [(7,)]


def test_an_unknown_area_is_refused():
    with pytest.raises(ValueError):
        Changes.of("nowhere")
