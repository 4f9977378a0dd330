"""Values a process keeps for a few seconds, for reads that every request of a busy door
makes and that change rarely (an Open311 service's definition, the council's extent).

Each process keeps its own copy, so a change reaches every process within the memo's
seconds (no signal reaches other processes); that delay must be acceptable wherever one is
used. Zero seconds (the tests' setting) turns the memo off.
"""

import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings

_every_memo: list["ProcessMemo"] = []


class ProcessMemo:
    def __init__(self, seconds_setting: str) -> None:
        self.seconds_setting = seconds_setting
        self._values: dict[Hashable, tuple[float, Any]] = {}
        _every_memo.append(self)

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        seconds = getattr(settings, self.seconds_setting)
        if not seconds:
            return load()
        now = time.monotonic()
        kept = self._values.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        value = load()
        self._values[key] = (now + seconds, value)
        return value

    def forget(self, key: Hashable) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()


def process_memos_clear() -> None:
    """Forget every memo's values (tests: each starts with an empty database)."""
    for memo in _every_memo:
        memo.clear()
