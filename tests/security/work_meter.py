"""A work meter for in-process calls: the Python lines a call runs, so that "costs the same
in a big world" is a count, not a timing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def work(call: Callable[..., Any], **params: Any) -> tuple[Any, int]:
    """``call(**params)``, and the Python lines it ran, every frame and loop pass counted."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = call(**params)
    finally:
        sys.settrace(previous)
    return result, count
