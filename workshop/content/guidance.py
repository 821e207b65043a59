"""The facilitator's standing guidance: ground rules and how to look after people. Plain data,
shown by the facilitator guide (HTML and PDF) and available to any page that wants it. Every
sentence is a catalogue entry (``N_``), translated where it is shown."""

from __future__ import annotations

import os
from dataclasses import dataclass

from workshop.i18n import N_


@dataclass(frozen=True)
class Topic:
    """A heading, a short opening paragraph and a few points."""

    title: str
    intro: str
    points: tuple[str, ...] = ()


GROUND_RULES = (
    N_("What is said in the room stays in the room. Stories belong to the people who tell them."),
    N_("Anyone can pass on any question or exercise, at any time, with no reason and no apology."),
    N_(
        "Speak for yourself: \u201cI feel\u2026\u201d and \u201cI would like\u2026\u201d, rather than "
        "\u201cYou always\u2026\u201d."
    ),
    N_(
        "Conversations with your partner stay between the two of you; nobody is asked to report "
        "back to the group."
    ),
    N_("Be gentle with yourselves and with each other. This is practice, not a test."),
    N_("Phones are for the workshop's questions; otherwise, let them rest."),
)

SAFETY = (
    Topic(
        N_("Content notes"),
        N_(
            "Some stages touch on painful things, such as past hurts or trauma. Those stages carry "
            "a content note, and every phone shows it before the stage begins."
        ),
        (
            N_(
                "Read the note aloud, slowly, and pause before you go on, so people can decide "
                "what they want to do."
            ),
            N_(
                "Say plainly that skipping the stage, stepping out or simply listening are all fine."
            ),
            N_("Keep examples general. Do not invite personal stories in front of the group."),
        ),
    ),
    Topic(
        N_("The right to pass"),
        N_(
            "Passing is part of the workshop, not a failure to take part. Say so at the start and "
            "again before the sensitive stages."
        ),
        (
            N_(
                "Never call on a person or a couple by name, and never guess aloud who gave which "
                "answer."
            ),
            N_(
                "Results only appear once enough people have answered, so nobody can be singled "
                "out. Describe them in general terms."
            ),
            N_(
                "Hide any written answer that names someone, describes specific events or could "
                "upset others, before you reveal the wall. If in doubt, do not reveal."
            ),
        ),
    ),
    Topic(
        N_("When someone is distressed"),
        N_(
            "Strong feelings are an understandable response to these topics. Your calm matters "
            "more than the right words."
        ),
        (
            N_(
                "Slow down. Acknowledge what is happening kindly, without drawing the room's "
                "attention to one person."
            ),
            N_(
                "Offer a break, a glass of water and a quiet place. Speak with the person privately; "
                "they do not need to explain anything."
            ),
            N_(
                "If you work with a co-facilitator, one of you carries on with the group while the "
                "other checks in."
            ),
            N_(
                "Before they leave, check in once more and point to the support panel and to when "
                "you can be reached."
            ),
            N_(
                "If anyone seems at risk of harming themselves or someone else, follow your "
                "service's safety procedure and contact emergency services. Do not leave them "
                "alone."
            ),
        ),
    ),
    Topic(
        N_("If someone tells you about harm"),
        N_(
            "Sometimes a person tells you they are being hurt, frightened or controlled, or that "
            "someone else is at risk."
        ),
        (
            N_(
                "Listen, take it seriously and thank them for telling you. Do not ask for details "
                "or try to find out what happened."
            ),
            N_(
                "Talk with them on their own, never in front of their partner, and do not suggest "
                "couple exercises as the answer: working together can add to the danger when one "
                "partner is afraid of the other."
            ),
            N_(
                "Be honest about what you have to do next. Do not promise to keep a secret when "
                "someone may be at risk."
            ),
            N_(
                "Offer information about specialist support for domestic abuse, and follow your "
                "safeguarding duties if a child or a vulnerable adult may be at risk."
            ),
            N_(
                "Write down what you were told and what you did, as your service requires. Never "
                "put names or details into the workshop app."
            ),
        ),
    ),
    Topic(
        N_("When to suggest a professional"),
        N_(
            "A workshop is education, not therapy. Suggest further help warmly, as a sign of care, "
            "when:"
        ),
        (
            N_("distress continues or keeps coming back after the session;"),
            N_(
                "there are signs of fear, abuse or control in the relationship (specialist support, "
                "for each partner separately);"
            ),
            N_(
                "old trauma has been stirred up strongly (individual therapy, at the person's own "
                "pace);"
            ),
            N_(
                "a couple feels stuck in the same conflict or is thinking about separating (couples "
                "therapy);"
            ),
            N_(
                "someone mentions low mood, anxiety, drinking or drug use, or thoughts of ending "
                "their life (their doctor or a mental health service; urgently if there is risk);"
            ),
            N_("worries about sex or physical intimacy persist (a doctor or a sex therapist)."),
        ),
    ),
    Topic(
        N_("Before and after"),
        N_("A little preparation makes the hard moments easier."),
        (
            N_(
                "Put your own list of local services, with how to reach them, into the workshop's "
                "support text before the session."
            ),
            N_(
                "Know your service's safety and safeguarding procedures, and who you can call "
                "during the session."
            ),
            N_(
                "Afterwards, export what you need, then end the workshop in the console so that "
                "everything people shared is deleted."
            ),
            N_(
                "Look after yourself too: talk the session through with a colleague or in supervision."
            ),
        ),
    ),
)


# --- a couple at home -------------------------------------------------------------------------

HOME_SUPPORT_VARIABLE = "BEDROCK_HOME_SUPPORT"
"""Set this to the support text couples at home see (plain text: a local helpline, a
directory you trust). It replaces ``HOME_SUPPORT`` entirely."""

HOME_SUPPORT = N_("""\
You can stop at any time, for tonight or for good.

If anyone is in danger right now, call your local emergency number.

If you feel afraid of your partner, or controlled by them, a domestic-abuse helpline where \
you live can listen in confidence and help you think about what is safe. Your doctor can \
point you to one.

If you would like help with your relationship, look for a directory of couples therapists \
in your country, or ask your doctor.

If old hurts come up for one of you, your doctor or your own therapist is a good place to \
start.""")
"""What the Support button shows a couple at home, unless ``BEDROCK_HOME_SUPPORT`` is set.
Kinds of help only: a phone number would be wrong in most places it is read."""

BEFORE_YOU_BEGIN = N_(
    "This evening is for couples who feel safe with each other. If one of you feels afraid "
    "of the other, or controlled by them, please leave these exercises aside: talking "
    "openly can make things harder at home. You can talk to someone in confidence instead; "
    "the Support button shows where."
)
"""The short note a couple reads before they begin."""


def home_support_text(environ: dict[str, str] | None = None) -> str:
    """The support text for couples at home: ``BEDROCK_HOME_SUPPORT`` when set, else ours."""
    given = (environ if environ is not None else os.environ).get(HOME_SUPPORT_VARIABLE, "")
    return given.strip() or HOME_SUPPORT
