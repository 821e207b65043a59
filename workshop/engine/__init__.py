"""The workshop engine: storage, database, access, privacy rules, responses, timers and the
live cache. No Streamlit here; pages call :class:`workshop.engine.store.Store`."""

from workshop.engine.store import Store

__all__ = ["Store"]
