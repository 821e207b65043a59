"""Together: what the couple take home. "Our plan" (answers they pick one by one, else their
commitments only) as a PDF, a one-page PDF for the fridge, a page to print and Markdown; and
their weekly ritual with next week's check-in as a calendar file for their phones.

Every file is made only when its button is pressed, from this run's snapshot, and goes
straight to their device.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from workshop.couple.evening import CoupleProgress, Names
from workshop.i18n.formats import weekday as weekday_name
from workshop.i18n.screen import _, language, ngettext
from workshop.printing import couple_calendar, couple_plan
from workshop.views.common import content
from workshop.views.together_common import now


def plan_downloads(progress: CoupleProgress, names: Names, *, today: date, expanded: bool) -> None:
    """Choosing what goes in "Our plan", and its downloads."""
    workshop = content()
    st.markdown(
        _(
            "**Our plan**: the plan you wrote, what you chose for this week and your "
            "check-ins. Add earlier answers only if you both want them there."
        )
    )
    optional = couple_plan.optional_answers(progress, content=workshop)
    chosen = st.multiselect(
        _("Also put these answers in our plan"),
        list(optional),
        format_func=lambda eid: optional.get(eid, eid),
        key="together_plan_extra",
        placeholder=_("None: commitments only"),
    )
    extra = frozenset(chosen)
    words = language()  # read now: a file is made later, outside this run

    def plan() -> couple_plan.PlanDocument:
        return couple_plan.plan_document(
            progress,
            content=workshop,
            names=names,
            today=today,
            answers=extra,
            language=words,
        )

    files = (
        (_("Plan (PDF)"), couple_plan.plan_pdf, "our-plan.pdf", "application/pdf", "pdf"),
        (
            _("One page (PDF)"),
            couple_plan.plan_pdf_one_page,
            "our-plan-one-page.pdf",
            "application/pdf",
            "one_page",
        ),
        (_("To print"), couple_plan.plan_html, "our-plan.html", "text/html", "html"),
        (_("Markdown"), couple_plan.plan_markdown, "our-plan.md", "text/markdown", "md"),
    )
    with st.container(horizontal=True, gap="small"):
        for label, write, file_name, mime, key in files:
            st.download_button(
                label,
                data=lambda write=write: write(plan()),
                file_name=file_name,
                mime=mime,
                key=f"together_plan_{key}",
                type="primary" if expanded and key == "pdf" else "secondary",
                on_click="ignore",
                width="stretch",
            )
    _calendar(progress, today=today)


def _calendar(progress: CoupleProgress, *, today: date) -> None:
    """The weekly ritual and next week's check-in, on the days and times they pick."""
    workshop = content()
    found = couple_calendar.ritual(progress, content=workshop)
    st.markdown(_("**In your calendars**"))
    if found is None:
        st.caption(
            _(
                "Once you have saved your weekly plan, you can add it here to your phones' "
                "calendars, with a moment next week to check in."
            )
        )
    else:
        st.caption(
            _(
                "Your weekly time, every week, and a moment next week to look at your plan "
                "together. The file holds your weekly plan and nothing else: no names, no "
                "answers."
            )
        )
    exercise_plan = found[1] if found else {}
    guessed = couple_calendar.guess_weekday(" ".join(exercise_plan.values()))
    days = list(range(7))
    left, middle, right = st.columns(3)
    weekday = left.selectbox(
        _("Every"),
        days,
        index=guessed if guessed is not None else 6,
        format_func=lambda n: weekday_name(n, language()),
        key=f"together_cal_day_{guessed}",  # a new guess (the plan changed) is shown
        disabled=found is None,
    )
    at = middle.time_input(
        _("At"), value=time(19, 0), step=900, key="together_cal_time", disabled=found is None
    )
    minutes = right.selectbox(
        _("For"),
        couple_calendar.LENGTHS,
        index=couple_calendar.LENGTHS.index(30),
        format_func=lambda m: ngettext("{count} minute", "{count} minutes", m).format(count=m),
        key="together_cal_minutes",
        disabled=found is None,
    )
    left, right = st.columns(2)
    check_in = left.date_input(
        _("Check in on"),
        value=today + timedelta(days=7),
        min_value=today,
        key="together_cal_check_date",
    )
    check_in_at = right.time_input(
        _("Check-in time"), value=time(20, 0), step=900, key="together_cal_check_time"
    )
    choice = couple_calendar.CalendarChoice(
        weekday=int(weekday if weekday is not None else 6),
        at=at or time(19, 0),
        minutes=int(minutes or 30),
        check_in=check_in if isinstance(check_in, date) else today + timedelta(days=7),
        check_in_at=check_in_at or time(20, 0),
    )
    timezone = st.context.timezone
    st.download_button(
        _("Add to our calendars (.ics)"),
        data=lambda: couple_calendar.plan_calendar(
            progress,
            content=workshop,
            choice=choice,
            today=today,
            stamp=datetime.fromtimestamp(now(), UTC),
            timezone=timezone,
        ),
        file_name="our-week.ics",
        mime="text/calendar",
        key="together_calendar",
        on_click="ignore",
        icon=":material/calendar_month:",
        width="stretch",
    )
