"""Weekly service statistics over a hand-checked set of requests, and one built from real steps."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from butler_desk.domain.requests import (
    RequestKind,
    RequestSource,
    Satisfaction,
    Severity,
    Step,
    StepKind,
    replay,
)
from butler_desk.domain.service_stats import (
    NO_CLUSTER,
    UNASSIGNED,
    RequestFacts,
    format_rate,
    rate,
    service_stats,
)
from butler_desk.domain.sla import Deadline, DeadlineState, LimitSpan, SpanUnit, deadlines
from butler_desk.domain.workdays import CHINA_TZ, WorkCalendar

MET, LATE, OVERDUE, OPEN = DeadlineState.MET, DeadlineState.MET_LATE, DeadlineState.OVERDUE, DeadlineState.OPEN
WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def at(m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=CHINA_TZ)


def dl(key: str, state: DeadlineState) -> Deadline:
    met_at = at(11, 23, 12) if state in (MET, LATE) else None
    return Deadline(key, f"时限{key}", LimitSpan(1, SpanUnit.HOURS), at(11, 23, 10), met_at, state)


def facts_of_the_week() -> list[RequestFacts]:
    complaint, repair = RequestKind.COMPLAINT, RequestKind.REPAIR
    return [
        RequestFacts(  # F1 general complaint, all on time
            complaint, at(11, 23, 9), Severity.GENERAL, True, "保洁", at(11, 23, 15),
            (dl("complaint_contact", MET), dl("complaint_feedback", MET), dl("general_complaint_resolved", MET)),
            Satisfaction.SATISFIED, True, "一组团",
        ),
        RequestFacts(  # F2 serious complaint, contacted late
            complaint, at(11, 24, 10), Severity.SERIOUS, True, "工程维修部", at(11, 28, 10),
            (dl("complaint_contact", LATE), dl("complaint_feedback", MET), dl("serious_complaint_resolved", MET)),
            Satisfaction.FAIRLY, True, "二组团",
        ),
        RequestFacts(  # F3 invalid complaint
            complaint, at(11, 25, 14), None, False, None, at(11, 25, 15),
            (dl("complaint_contact", MET), dl("complaint_feedback", MET)), None, False, "一组团",
        ),
        RequestFacts(  # F4 urgent repair, on site late
            repair, at(11, 26, 20), None, None, "工程维修部", at(11, 27, 12),
            (dl("urgent_repair_on_site", LATE), dl("response_feedback", MET)),
            Satisfaction.UNSATISFIED, True, "二组团",
        ),
        RequestFacts(  # F5 enquiry answered on the phone
            RequestKind.ENQUIRY, at(11, 27, 10), closed_at=at(11, 27, 10, 5),
            deadlines=(dl("response_feedback", MET), dl("hotline_response", MET)),
        ),
        RequestFacts(  # F6 received the week before, closed this week
            complaint, at(11, 20, 9), Severity.GENERAL, True, "保洁", at(11, 24, 9),
            (dl("complaint_contact", MET),), Satisfaction.SATISFIED, True, "一组团",
        ),
        RequestFacts(  # F7 repair still open and overdue
            repair, at(11, 28, 16), department="工程维修部", deadlines=(dl("response_feedback", OVERDUE),), cluster="一组团",
        ),
        RequestFacts(complaint, at(11, 30, 9)),  # F8 next week: nowhere
        RequestFacts(  # F9 old repair still open
            repair, at(11, 10, 9), department="绿化", deadlines=(dl("response_feedback", OVERDUE),), cluster="二组团",
        ),
        RequestFacts(  # F10 complaint received late Sunday, not judged yet
            complaint, at(11, 29, 22), deadlines=(dl("complaint_contact", OPEN),), cluster="一组团",
        ),
    ]


@pytest.fixture(scope="module")
def stats():
    return service_stats(facts_of_the_week(), *WEEK)


def test_counts_received_closed_open_and_overdue(stats):
    assert (stats.first, stats.last) == WEEK
    total = stats.total
    assert (total.received, total.closed, total.open_at_end, total.overdue) == (7, 6, 3, 3)
    rows = {row.kind: row for row in stats.by_kind}
    assert list(rows) == list(RequestKind)
    complaint = rows[RequestKind.COMPLAINT]
    assert (complaint.label, complaint.received, complaint.closed, complaint.open_at_end, complaint.overdue) == (
        "投诉", 4, 4, 1, 1,
    )
    repair = rows[RequestKind.REPAIR]
    assert (repair.received, repair.closed, repair.open_at_end, repair.overdue) == (2, 1, 2, 2)
    enquiry = rows[RequestKind.ENQUIRY]
    assert (enquiry.received, enquiry.closed, enquiry.open_at_end, enquiry.overdue) == (1, 1, 0, 0)
    assert rows[RequestKind.SPECIAL_SERVICE].received == 0


def test_on_time_rate_per_limit_in_table_order(stats):
    rows = [(r.key, r.met, r.met_late, r.overdue, r.open, r.on_time_rate) for r in stats.by_limit]
    assert rows == [
        ("response_feedback", 2, 0, 1, 0, Decimal("0.6667")),
        ("urgent_repair_on_site", 0, 1, 0, 0, Decimal("0.0000")),
        ("complaint_contact", 2, 1, 0, 1, Decimal("0.6667")),
        ("complaint_feedback", 3, 0, 0, 0, Decimal("1.0000")),
        ("general_complaint_resolved", 1, 0, 0, 0, Decimal("1.0000")),
        ("serious_complaint_resolved", 1, 0, 0, 0, Decimal("1.0000")),
        ("hotline_response", 1, 0, 0, 0, Decimal("1.0000")),
    ]
    assert stats.by_limit[0].label == "时限response_feedback"


def test_share_of_valid_complaints(stats):
    c = stats.complaints
    assert (c.received, c.valid, c.invalid, c.unjudged, c.general, c.serious) == (4, 2, 1, 1, 1, 1)
    assert c.valid_share == Decimal("0.6667")


def test_satisfaction_distribution_rate_and_visits(stats):
    s = stats.satisfaction
    assert s.counts == (
        (Satisfaction.SATISFIED, 1),
        (Satisfaction.FAIRLY, 1),
        (Satisfaction.UNSATISFIED, 1),
    )
    assert s.rated == 3
    assert s.satisfied_rate == Decimal("0.6667")  # 满意 + 基本满意
    assert (s.visit_due, s.visited, s.visit_rate) == (4, 3, Decimal("0.7500"))


def test_per_department_in_the_office_order_unassigned_last(stats):
    rows = [(g.name, g.received, g.closed, g.overdue, g.on_time_rate, g.satisfied_rate) for g in stats.by_department]
    assert rows == [
        ("工程维修部", 3, 2, 3, Decimal("0.5000"), Decimal("0.5000")),
        ("保洁", 1, 2, 0, Decimal("1.0000"), Decimal("1.0000")),
        (UNASSIGNED, 3, 2, 0, Decimal("1.0000"), None),
    ]


def test_per_cluster_with_the_unknown_cluster_last(stats):
    rows = [(g.name, g.received, g.closed, g.overdue, g.on_time_rate, g.satisfied_rate) for g in stats.by_cluster]
    assert rows == [
        ("一组团", 4, 3, 1, Decimal("0.8333"), Decimal("1.0000")),
        ("二组团", 2, 2, 2, Decimal("0.6000"), Decimal("0.5000")),
        (NO_CLUSTER, 1, 1, 0, Decimal("1.0000"), None),
    ]


def test_days_are_counted_in_china_time():
    # 17:00 UTC on Sunday Nov 22 is 01:00 on Monday Nov 23 in Beijing.
    early = RequestFacts(RequestKind.REPAIR, datetime(2026, 11, 22, 17, 0, tzinfo=timezone.utc))
    late = RequestFacts(RequestKind.REPAIR, datetime(2026, 11, 29, 16, 30, tzinfo=timezone.utc))  # Mon 00:30
    stats = service_stats([early, late], *WEEK)
    assert stats.total.received == 1
    assert stats.total.open_at_end == 1


def test_an_empty_week_has_zero_counts_and_no_rates():
    stats = service_stats([], *WEEK)
    assert stats.total.received == 0
    assert stats.by_limit == () and stats.by_department == () and stats.by_cluster == ()
    assert stats.complaints.valid_share is None
    assert stats.satisfaction.satisfied_rate is None and stats.satisfaction.visit_rate is None


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        service_stats([], date(2026, 11, 29), date(2026, 11, 23))


def test_rate_and_its_text():
    assert rate(2, 3) == Decimal("0.6667")
    assert rate(1, 8) == Decimal("0.1250")
    assert rate(0, 0) is None
    assert format_rate(Decimal("0.6667")) == "66.7%"
    assert format_rate(Decimal("1")) == "100.0%"
    assert format_rate(Decimal("0.95245")) == "95.2%"
    assert format_rate(None) == "—"


def test_statistics_from_real_steps_and_deadlines():
    """The service's path: steps → progress → deadlines → facts → statistics."""
    calendar = WorkCalendar()
    now = at(11, 30)

    def facts(kind, received, steps, *, urgent=False, source=None, cluster="三组团"):
        progress = replay(kind, received, steps)
        items = deadlines(
            kind, progress.severity, urgent, received, steps, calendar, now=now, source=source
        )
        return RequestFacts(
            kind=kind, received_at=received, severity=progress.severity, valid=progress.valid,
            department=progress.department, closed_at=progress.closed_at, deadlines=tuple(items),
            satisfaction=progress.satisfaction, visited=progress.visited_at is not None, cluster=cluster,
        )

    def s(kind, when, **fields):
        return Step(kind=kind, at=when, operator="王管家", **fields)

    serious = facts(
        RequestKind.COMPLAINT, at(11, 25, 15),
        [
            s(StepKind.CONTACT, at(11, 25, 15, 30), on_site=True),
            s(StepKind.CLASSIFY, at(11, 25, 16), valid=True, severity=Severity.SERIOUS),
            s(StepKind.ASSIGN, at(11, 25, 16, 10), department="工程维修部", assignee="赵工"),
            s(StepKind.FEEDBACK, at(11, 25, 18), note="已安排维修"),
            s(StepKind.HANDLE, at(11, 27, 11), note="外墙渗水已修补"),
            s(StepKind.FEEDBACK, at(11, 27, 12), note="已修好"),
            s(StepKind.RESOLVE, at(11, 27, 14)),
            s(StepKind.VISIT, at(11, 28, 10), satisfaction=Satisfaction.SATISFIED),
            s(StepKind.CLOSE, at(11, 28, 10, 5), resident_signed=True),
        ],
    )
    urgent = facts(
        RequestKind.REPAIR, at(11, 26, 21), [s(StepKind.ASSIGN, at(11, 26, 21, 5), department="工程维修部", assignee="夜班")],
        urgent=True, source=RequestSource.PHONE,
    )
    stats = service_stats([serious, urgent], *WEEK)
    assert (stats.total.received, stats.total.closed, stats.total.overdue) == (2, 1, 1)
    by_limit = {row.key: row for row in stats.by_limit}
    assert by_limit["serious_complaint_resolved"].met == 1
    assert by_limit["urgent_repair_on_site"].overdue == 1
    assert by_limit["hotline_response"].met == 1  # the dispatch five minutes in was the response
    assert stats.complaints.serious == 1
    assert stats.satisfaction.satisfied_rate == Decimal("1.0000")
    (department,) = stats.by_department
    assert (department.name, department.received, department.overdue) == ("工程维修部", 2, 1)
