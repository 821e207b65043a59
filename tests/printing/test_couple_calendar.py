"""The couple's calendar file: their weekly ritual every week and one check-in, nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar

from workshop.content.loader import get_content
from workshop.couple import evening
from workshop.couple.evening import CoupleProgress
from workshop.printing import couple_calendar

CONTENT = get_content()
TODAY = date(2026, 12, 1)  # a Tuesday
CHOICE = couple_calendar.CalendarChoice(
    weekday=6, at=time(10, 30), minutes=45, check_in=date(2026, 12, 8), check_in_at=time(20, 0)
)


def _events(data: bytes):
    return Calendar.from_ical(data).walk("VEVENT")


def _ics(progress: CoupleProgress, timezone: str | None = "Europe/Berlin") -> bytes:
    return couple_calendar.plan_calendar(
        progress,
        content=CONTENT,
        choice=CHOICE,
        today=TODAY,
        stamp=datetime(2026, 12, 1, 21, 0, tzinfo=UTC),
        timezone=timezone,
    )


def test_the_ritual_repeats_weekly_from_its_next_day_and_the_check_in_comes_once():
    progress = evening.set_plan(
        CoupleProgress(),
        exercise=CONTENT.exercises["weekly-ritual"],
        values={"what": "Coffee, slowly", "when": "Sunday", "obstacles": "the phone"},
    )
    ritual, check_in = _events(_ics(progress))
    assert str(ritual["SUMMARY"]) == "Coffee, slowly"
    assert "What could get in the way? the phone" in str(ritual["DESCRIPTION"])
    assert dict(ritual["RRULE"]) == {"FREQ": ["WEEKLY"], "BYDAY": ["SU"]}
    start = ritual.decoded("DTSTART")
    assert (start.date(), start.time(), str(start.tzinfo)) == (
        date(2026, 12, 6),
        time(10, 30),
        "Europe/Berlin",
    )
    assert ritual.decoded("DURATION").total_seconds() == 45 * 60
    assert "RRULE" not in check_in
    assert check_in.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 12, 8, 20, 0)
    assert str(check_in["SUMMARY"]) == couple_calendar.CHECK_IN_TITLE


def test_without_a_saved_plan_or_a_known_zone_only_the_check_in_is_there_in_local_time():
    (check_in,) = _events(_ics(CoupleProgress(), timezone="Not/AZone"))
    assert check_in.decoded("DTSTART") == datetime(2026, 12, 8, 20, 0)  # floating
    assert b"VTIMEZONE" not in _ics(CoupleProgress(), timezone=None)


def test_the_weekday_is_read_from_what_they_wrote_only_when_one_is_named():
    guess = couple_calendar.guess_weekday
    assert guess("Saturday mornings") == 5
    assert guess("every sun. after lunch") == 6
    assert guess("Monday or Friday") is None
    assert guess("in the evenings") is None
