"""A file made on a tap stays fetchable until the browser has fetched it.

Every download button of Bedrock builds its file only when pressed (the summary, the
handouts, the couple's plan, their saved progress): Streamlit runs the button's function,
keeps the bytes in memory and sends the browser a link to fetch them. It keeps no run's
reference to those bytes, so the clean-up at the end of any script run of any screen in the
process marks them and the next one deletes them. In a busy room (phones redrawing, the
console's countdown ticking) two runs often end in the instant between the file being made
and the browser asking for it, and the counsellor's "Summary (PDF)" comes back as a 404.

Here such a file is kept for :data:`GRACE_SECONDS` after Streamlit lets it go; files shown
on a page (images) are deleted at once, as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

GRACE_SECONDS = 30.0
"""How long a made file outlives Streamlit's clean-up: far longer than a browser on a slow
network takes to ask for it, short enough that the words in it do not stay in memory."""


class LingeringDownloads:
    """Wraps one storage's deletion so that a downloadable file is deleted only after
    ``grace`` seconds; a file made again meanwhile (the same bytes) is kept."""

    def __init__(
        self,
        storage: MemoryMediaFileStorage,
        *,
        grace: float = GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._storage = storage
        self._delete = storage.delete_file
        self._load = storage.load_and_get_id
        self._grace = grace
        self._clock = clock
        self._due: dict[str, float] = {}
        self._lock = threading.Lock()

    def delete_file(self, file_id: str) -> None:
        try:
            kind = self._storage.get_file(file_id).kind
        except MediaFileStorageError:
            kind = None
        if kind != MediaFileKind.DOWNLOADABLE:
            self._delete(file_id)
        else:
            with self._lock:
                self._due.setdefault(file_id, self._clock() + self._grace)
        self.forget_overdue()

    def load_and_get_id(self, *args, **kwargs) -> str:
        file_id = self._load(*args, **kwargs)
        with self._lock:
            self._due.pop(file_id, None)
        self.forget_overdue()
        return file_id

    def forget_overdue(self) -> None:
        """Delete the files whose grace has run out."""
        now = self._clock()
        with self._lock:
            overdue = [file_id for file_id, due in self._due.items() if due <= now]
            for file_id in overdue:
                del self._due[file_id]
        for file_id in overdue:
            self._delete(file_id)

    def install(self) -> None:
        """Put the wrapped deletion in place of the storage's own."""
        self._storage.delete_file = _Bound(self)  # type: ignore[method-assign]
        self._storage.load_and_get_id = self.load_and_get_id  # type: ignore[method-assign]


class _Bound:
    """The storage's wrapped deletion, recognisable so it is put in place only once."""

    def __init__(self, owner: LingeringDownloads) -> None:
        self.owner = owner

    def __call__(self, file_id: str) -> None:
        self.owner.delete_file(file_id)


_INSTALLING = threading.Lock()


def keep_downloads_fetchable() -> None:
    """Make this process's downloads outlive Streamlit's clean-up (put in place on the
    process's first run); on every later run, delete the files whose grace is over, so a
    summary's words do not stay in memory on a quiet server."""
    if not Runtime.exists():
        return
    # Streamlit's own server reaches the storage the same way to serve its files.
    storage = getattr(Runtime.instance().media_file_mgr, "_storage", None)
    if not isinstance(storage, MemoryMediaFileStorage):
        return
    with _INSTALLING:
        installed = storage.__dict__.get("delete_file")
        if not isinstance(installed, _Bound):
            LingeringDownloads(storage).install()
            return
    installed.owner.forget_overdue()
