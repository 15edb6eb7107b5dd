"""The operation registry: (service, OperationName) -> handler, plus each service's catalogue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.api.errors import Catalogue
from emulator.core.world import World


@dataclass
class Call:
    """Who is calling, where, and against which world."""

    world: World
    account: str
    region: str
    request_id: str
    service: str
    operation: str
    access_key: str = ""

    @property
    def partition(self) -> str:
        """The partition of the Region the request was signed for, by the world's map."""
        return self.world.partition_of(self.region)


Handler = Callable[[Call, dict[str, Any]], "dict[str, Any] | None"]

REGISTRY: dict[tuple[str, str], Handler] = {}
# Asked before every handler with the call and its parameters; raises to refuse the call
# (``emulator.api.gate``, the access decision's gate, registers itself here).
GATES: list[Callable[[Call, dict[str, Any]], None]] = []
CATALOGUES: dict[str, Catalogue] = {}
# Operations whose names start so only read; every other one may change the world. IAM's
# policy simulator (Simulate*) only reads too.
READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Simulate")


def is_read_only(operation: str) -> bool:
    """Whether the operation only reads (its name starts with Describe, List or Get)."""
    return operation.startswith(READ_ONLY_PREFIXES)


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of ``service``'s operation ``name``."""

    def register(fn: Handler) -> Handler:
        key = (service, name)
        if key in REGISTRY:
            raise ValueError(f"{key} registered twice")
        REGISTRY[key] = fn
        return fn

    return register


def check_gates(call: Call, params: dict[str, Any]) -> None:
    for gate in GATES:
        gate(call, params)


def catalogue(cat: Catalogue) -> Catalogue:
    CATALOGUES[cat.service] = cat
    return cat


def load_all() -> None:
    """Import every service module so its operations register themselves."""
    from emulator.api import services  # noqa: F401
