"""Running a websocket script from a test that may follow browser tests in one process."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def in_own_loop(coroutine):
    """Run ``coroutine`` to its end on an event loop of its own thread: Playwright's sync API
    keeps a loop running on this one when browser tests ran first in this process."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
