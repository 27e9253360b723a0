"""The demo estate's document register (文件发放): two recent notices, mostly signed for, some not.

So that the 文件发放 tab, a household's 文件发放 page and the 14-day follow-up list show what an
office really has: a water-outage notice three weeks ago (a few copies still unsigned, one
returned by the post) and an activity notice last week (still being handed out).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from butler_desk.domain import clock
from butler_desk.domain.documents import DeliveryMethod, DocumentKind
from butler_desk.services.context import AppContext
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.documents.notices import NoticeService
from butler_desk.services.documents.recipients import Selection

RETURN_REASONS = ("查无此人", "地址不详", "原址已拆迁")


def add_demo_documents(ctx: AppContext, seed: int, today: date | None = None) -> int:
    """Record the demo batches and their receipts; returns how many copies were recorded."""
    rng = random.Random(seed + 7)
    today = today or clock.today()
    notices, register = NoticeService(ctx), DocumentService(ctx)
    codes = [code for cluster in LedgerService(ctx).clusters() for _bid, code in cluster.buildings]
    if not codes:
        return 0
    water_buildings, activity_buildings = tuple(codes[:2]), (codes[min(2, len(codes) - 1)],)
    batches = (
        ("water-outage", DocumentKind.WATER_OUTAGE, "停水通知", Selection(buildings=water_buildings), 21, 0.85, {
            "start": f"{today - timedelta(days=14)} 09:00", "end": f"{today - timedelta(days=14)} 17:00",
            "area": "、".join(f"{b}栋" for b in water_buildings) + "全部单元", "reason": "二次供水水池清洗消毒",
            "arrangement": "停水期间小区东门设临时供水点。", "contact_phone": "0571-88776655",
        }),
        ("activity", DocumentKind.ACTIVITY, "活动通知", Selection(buildings=activity_buildings), 5, 0.45, {
            "name": "社区邻里节", "start": f"{today + timedelta(days=3)} 14:00", "place": "小区中心花园",
            "details": "亲子游园、义诊、旧物交换。", "audience": "本小区业主及家属",
            "signup_by": f"{today + timedelta(days=2)} 17:00", "signup_note": "", "contact_phone": "0571-88776655",
        }),
    )
    recorded = 0
    for template_id, kind, title, selection, days_ago, signed_share, values in batches:
        households = notices.households(template_id, selection).households
        if not households:
            continue
        issued = today - timedelta(days=days_ago)
        scope = "、".join(f"{b}栋" for b in selection.buildings)
        document_id = register.record_batch(kind, title, households, template_id=template_id, issued_on=issued,
                                            values=values, scope=scope)
        recorded += len(households)
        receipts = []
        for copy in register.batch_detail(document_id).deliveries:
            if copy.method is DeliveryMethod.POST:
                if rng.random() < 0.2:
                    register.mark_returned(copy.delivery_id, rng.choice(RETURN_REASONS),
                                           on=min(today, issued + timedelta(days=rng.randint(5, 12))))
                continue
            if rng.random() < signed_share:
                on = min(today, issued + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5))))
                receipts.append((copy.delivery_id, on, copy.addressee or "家人代签"))
        register.mark_received_many(receipts)
    return recorded
