"""Several desks working on one database at the same moment (each with its own connection)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from butler_desk.services.context import AppContext
from butler_desk.services.requests.views import IntakeInput
from butler_desk.services.requests.service import RequestService


def intake_at_once(desks: Sequence[AppContext], each: int = 25) -> list[BaseException]:
    """Every desk logs ``each`` repair requests, all starting together; returns what failed.

    The desks' databases are disposed afterwards.
    """
    start = threading.Barrier(len(desks))
    failures: list[BaseException] = []

    def add_many(ctx: AppContext) -> None:
        service = RequestService(ctx)
        start.wait()
        try:
            for n in range(each):
                service.intake(IntakeInput(None, None, "3栋大堂", "报修", "电话", f"灯不亮 {n}"))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            failures.append(exc)

    threads = [threading.Thread(target=add_many, args=(ctx,)) for ctx in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for ctx in desks:
        ctx.db.dispose()
    return failures
