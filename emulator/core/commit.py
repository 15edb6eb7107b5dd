"""The commit point of a state-changing operation: where a dry run stops.

Every operation checks everything before it changes anything. The line between the two is
``commit()``: a real call passes it and makes its changes; a call run inside ``dry_run()``
stops there with ``DryRunPassed``, having changed nothing. A dry run therefore costs what
the checks cost, and nothing is copied or put back.

An operation that forgot its commit point would change the world during a dry run;
``tests/security/test_dry_run.py`` runs every EC2 operation that accepts DryRun and
compares the whole state before and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_DRY_RUN: ContextVar[bool] = ContextVar("dry_run", default=False)


class DryRunPassed(Exception):
    """A dry run reached its commit point: the request is valid, and nothing changed."""


@contextmanager
def dry_run() -> Iterator[None]:
    """Run the operations called inside as dry runs."""
    token = _DRY_RUN.set(True)
    try:
        yield
    finally:
        _DRY_RUN.reset(token)


def in_dry_run() -> bool:
    return _DRY_RUN.get()


def commit() -> None:
    """Called once by every operation that changes state: after its last check, before its
    first change. In a dry run, stop here."""
    if _DRY_RUN.get():
        raise DryRunPassed
