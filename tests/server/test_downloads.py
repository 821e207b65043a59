"""A file made on a tap can still be fetched after other screens' runs end.

Streamlit's own media manager and in-memory storage, as the server runs them: a download
button's function is run on the tap, then the end of every script run of any screen sweeps
files no run refers to.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from workshop.server.downloads import GRACE_SECONDS, LingeringDownloads


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _tap(manager: MediaFileManager, data: bytes, name: str) -> str:
    """A download button drawn, then pressed: the id the browser asks the storage for."""
    placeholder = manager.add_deferred(lambda: data, "application/pdf", f"1.{name}", name)
    url = manager.execute_deferred(placeholder)
    return url.rsplit("/", 1)[1]


@pytest.fixture
def storage() -> MemoryMediaFileStorage:
    return MemoryMediaFileStorage("/media")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lingering(storage, clock) -> LingeringDownloads:
    return LingeringDownloads(storage, clock=clock)


@pytest.fixture
def served(storage, clock, lingering) -> tuple[MediaFileManager, MemoryMediaFileStorage, Clock]:
    lingering.install()
    return MediaFileManager(storage), storage, clock


def test_a_summary_made_on_a_tap_is_still_there_after_other_screens_redraw(served):
    manager, storage, clock = served
    file_id = _tap(manager, b"%PDF summary of the room", "summary.pdf")
    for _ in range(5):  # five runs of other screens end before the browser asks
        manager.remove_orphaned_files()
        clock.now += 1
    assert storage.get_file(file_id).content == b"%PDF summary of the room"


def test_the_file_is_gone_once_its_grace_is_over(served, lingering):
    manager, storage, clock = served
    file_id = _tap(manager, b"our plan", "plan.pdf")
    manager.remove_orphaned_files()
    manager.remove_orphaned_files()
    clock.now += GRACE_SECONDS + 1
    lingering.forget_overdue()  # what the next run of any screen does first
    with pytest.raises(MediaFileStorageError):
        storage.get_file(file_id)


def test_the_same_file_made_again_within_the_grace_is_kept_for_its_new_tap(served):
    manager, storage, clock = served
    first = _tap(manager, b"the same plan", "plan.pdf")
    manager.remove_orphaned_files()
    manager.remove_orphaned_files()
    clock.now += GRACE_SECONDS - 1
    again = _tap(manager, b"the same plan", "plan.pdf")  # same bytes, same id
    assert again == first
    clock.now += 2  # past the first deletion's grace
    manager.remove_orphaned_files()
    assert storage.get_file(again).content == b"the same plan"


def test_a_picture_on_a_page_is_still_deleted_at_once(served):
    manager, storage, _clock = served
    url = manager.add(b"\x89PNG picture", "image/png", "1.3")
    file_id = url.rsplit("/", 1)[1].split(".")[0]
    manager.clear_session_refs()
    manager.remove_orphaned_files()
    with pytest.raises(MediaFileStorageError):
        storage.get_file(file_id)
