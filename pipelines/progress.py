"""A tiny in-process progress channel from the assets to whoever is listening.

The assets call `advance()` once per report and stage; the CLI listens and
moves its progress bar. With nobody listening (`dagster dev`) it does nothing.
Works because the build runs in one process (in_process_executor).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

Listener = Callable[[str, str], None]  # (stage, report_id or table)
_listeners: list[Listener] = []


def advance(stage: str, item: str) -> None:
    for listener in list(_listeners):
        listener(stage, item)


def track(stage: str, items: Iterable[str]) -> Iterator[str]:
    """Yield each item; report it done when the loop body moves on (also after `continue`)."""
    for item in items:
        yield item
        advance(stage, item)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
