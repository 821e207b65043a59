"""The couple's weekly ritual and their check-in next week, as a calendar file (.ics) for their
phones: one event repeating every week, and one a week later to look at their plan together.

The file holds only the ritual they wrote (its first line as the title, the rest in the
description) and our own fixed words for the check-in: no names, no other answers. Made with
the ``icalendar`` library. Pure: ``today`` and ``stamp`` are passed in; bytes out.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event

from workshop.content.model import Content, Exercise
from workshop.couple.evening import CoupleProgress

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LENGTHS = (15, 20, 30, 45, 60, 90, 120)
"""The lengths, in minutes, the ritual can be given in the calendar."""
TITLE_CHARS = 80

CHECK_IN_TITLE = "Check in: how did our week go?"
CHECK_IN_WORDS = (
    "Sit down together with your plan. What went well this week? What got in the way? "
    "Keep what worked, change one small thing, and thank each other for trying."
)
CHECK_IN_MINUTES = 20


@dataclass(frozen=True)
class CalendarChoice:
    """When the couple want their ritual and their check-in, as they chose it."""

    weekday: int
    """0 for Monday to 6 for Sunday."""
    at: time
    minutes: int
    check_in: date
    check_in_at: time


def ritual(progress: CoupleProgress, *, content: Content) -> tuple[Exercise, dict[str, str]] | None:
    """The first plan exercise the couple saved, with what they wrote (``None`` before any)."""
    for module in content.modules:
        for exercise in content.exercises_for(module.id):
            plan = progress.plans.get(exercise.id)
            if exercise.kind == "plan" and plan and any(plan.values()):
                return exercise, plan
    return None


def guess_weekday(text: str) -> int | None:
    """The weekday named in ``text`` ("Sunday mornings" gives 6), if exactly one is named."""
    found = {n for n, day in enumerate(WEEKDAYS) if re.search(rf"\b{day[:3]}", text, re.IGNORECASE)}
    return found.pop() if len(found) == 1 else None


def first_on_or_after(day: date, weekday: int) -> date:
    """The first date from ``day`` on that falls on ``weekday``."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def plan_calendar(
    progress: CoupleProgress,
    *,
    content: Content,
    choice: CalendarChoice,
    today: date,
    stamp: datetime,
    timezone: str | None = None,
) -> bytes:
    """The .ics file: the ritual every week from its first day after ``today``, and the
    check-in once. Times are in ``timezone`` (the browser's) when it is a known zone, else
    floating (the phone's own time). ``stamp`` is when the file is made (UTC)."""
    zone = _zone(timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Bedrock//Couple plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    found = ritual(progress, content=content)
    if found is not None:
        exercise, plan = found
        lines = [
            (field.label, " ".join(plan.get(field.name, "").split()))
            for field in exercise.fields
            if plan.get(field.name, "").strip()
        ]
        title = lines[0][1] if lines else exercise.title
        if len(title) > TITLE_CHARS:
            title = title[: TITLE_CHARS - 1].rstrip() + "…"
        details = [exercise.title, *(f"{label} {value}" for label, value in lines)]
        start = datetime.combine(first_on_or_after(today, choice.weekday), choice.at, zone)
        event = _event(title, "\n".join(details), start, choice.minutes, stamp)
        event.add("rrule", {"freq": "weekly", "byday": _BYDAY[choice.weekday]})
        calendar.add_component(event)
    check_in = datetime.combine(choice.check_in, choice.check_in_at, zone)
    calendar.add_component(
        _event(CHECK_IN_TITLE, CHECK_IN_WORDS, check_in, CHECK_IN_MINUTES, stamp)
    )
    if zone is not None:
        # The zone's rules for the years the ritual is likely to run (the default stops in 2038).
        calendar.add_missing_timezones(
            first_date=today - timedelta(days=1), last_date=date(today.year + 10, 1, 1)
        )
    return calendar.to_ical()


def _event(title: str, words: str, start: datetime, minutes: int, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uuid.uuid4()}@bedrock")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("summary", title)
    event.add("description", words)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=minutes))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", timedelta(minutes=-15))
    event.add_component(alarm)
    return event


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
