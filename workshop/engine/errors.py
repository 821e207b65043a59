"""What can go wrong when using the workshop engine, as exceptions a page can show.

Every message is written for the person in front of the screen; ``str(error)`` is safe to
display and never contains a secret, a passcode or database details.
"""

from __future__ import annotations

import math


class BedrockError(Exception):
    """Base of every error the workshop engine raises on purpose."""

    message = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class WorkshopNotFound(BedrockError):
    """No workshop has this code (mistyped, or deleted long ago)."""

    message = "There is no workshop with that code. Please check it and try again."


class WorkshopEnded(BedrockError):
    """The workshop was ended by its facilitator; everything it held is gone."""

    message = "This workshop has ended and everything shared in it was deleted."


class AccessDenied(BedrockError):
    """A wrong passcode, facilitator key or screen key."""

    message = "That passcode or link is not right for this workshop."


class TooManyAttempts(BedrockError):
    """Too many tries from one client in a short time (wrong passcodes, unknown codes, new
    workshops); try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(
            f"Too many tries in a short time. Please wait {math.ceil(self.retry_after)} "
            "seconds and try again."
        )


class BelowThreshold(BedrockError):
    """Revealing was refused: fewer than ``needed`` visible responses exist."""

    def __init__(self, count: int, needed: int) -> None:
        self.count = count
        self.needed = needed
        super().__init__(
            f"Results can be shown once at least {needed} people have answered, "
            "so no one can be singled out."
        )


class InvalidInput(BedrockError):
    """Input that cannot be accepted; ``message`` says what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class StorageUnavailable(BedrockError):
    """The database cannot be reached or is not usable by this version of Bedrock."""

    message = "The workshop's storage is not available right now. Please try again shortly."


class StorageBusy(StorageUnavailable):
    """The database answers, but this server's connections to it were all in use for too
    long: the server is overloaded rather than the database away."""


class TooManyPhones(BedrockError):
    """Too many new phones joined from one network in a short time; another can join after
    ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(
            "Many phones joined from this network just now. Please wait "
            f"{max(1, round(self.retry_after))} seconds and try again; your answer is still here."
        )


class ServerKeyMissing(BedrockError):
    """The server key (see :mod:`workshop.engine.serverkey`) is not set, or is unusable."""

    message = "The server key is not set."
