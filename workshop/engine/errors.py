"""What can go wrong when using the workshop engine, as exceptions a page can show.

Every message is written for the person in front of the screen; ``str(error)`` is safe to
display and never contains a secret, a passcode or database details. ``error.said(translator)``
is the same sentence in a person's language: a message is a catalogue entry (marked ``N_``),
its numbers filled in after translation.
"""

from __future__ import annotations

import math

from workshop.i18n import N_, N_plural, Translatable


class BedrockError(Translatable, Exception):
    """Base of every error the workshop engine raises on purpose."""

    message = N_("Something went wrong.")

    def __init__(self, message: str | tuple[str, str] | None = None, **params: object) -> None:
        super().__init__(self._keep(message, params))


class WorkshopNotFound(BedrockError):
    """No workshop has this code (mistyped, or deleted long ago)."""

    message = N_("There is no workshop with that code. Please check it and try again.")


class WorkshopEnded(BedrockError):
    """The workshop was ended by its facilitator; everything it held is gone."""

    message = N_("This workshop has ended and everything shared in it was deleted.")


class AccessDenied(BedrockError):
    """A wrong passcode, facilitator key or screen key."""

    message = N_("That passcode or link is not right for this workshop.")


class TooManyAttempts(BedrockError):
    """Too many tries from one client in a short time (wrong passcodes, unknown codes, new
    workshops); try again after ``retry_after`` seconds."""

    message, plural = N_plural(
        "Too many tries in a short time. Please wait {count} second and try again.",
        "Too many tries in a short time. Please wait {count} seconds and try again.",
    )

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(count=math.ceil(self.retry_after))


class BelowThreshold(BedrockError):
    """Revealing was refused: fewer than ``needed`` visible responses exist."""

    def __init__(self, count: int, needed: int) -> None:
        self.count = count
        self.needed = needed
        super().__init__(
            N_(
                "Results can be shown once at least {needed} people have answered, "
                "so no one can be singled out."
            ),
            needed=needed,
        )


class InvalidInput(BedrockError):
    """Input that cannot be accepted; ``message`` says what to change."""

    def __init__(self, message: str | tuple[str, str], **params: object) -> None:
        super().__init__(message, **params)


class StorageUnavailable(BedrockError):
    """The database cannot be reached or is not usable by this version of Bedrock."""

    message = N_("The workshop's storage is not available right now. Please try again shortly.")


class StorageBusy(StorageUnavailable):
    """The database answers, but this server's connections to it were all in use for too
    long: the server is overloaded rather than the database away."""


class TooManyPhones(BedrockError):
    """Too many new phones joined from one network in a short time; another can join after
    ``retry_after`` seconds."""

    message, plural = N_plural(
        "Many phones joined from this network just now. Please wait {count} second and try "
        "again; your answer is still here.",
        "Many phones joined from this network just now. Please wait {count} seconds and try "
        "again; your answer is still here.",
    )

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(count=max(1, round(self.retry_after)))


class ServerKeyMissing(BedrockError):
    """The server key (see :mod:`workshop.engine.serverkey`) is not set, or is unusable."""

    message = N_("The server key is not set.")
