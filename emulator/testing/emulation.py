"""``emulated()``: every boto3 client answered in-process by one World, as moto's ``mock_aws``.

While an ``emulated()`` block (or a test it decorates) runs, every request botocore is about
to send for a service the emulator serves is answered by that block's World instead, with
no socket, whatever the client's credentials, Region or endpoint. The account is the
access key when it is 12 digits (else a configured key's account, else the default one),
exactly as over HTTP.

How: a ``before-send`` handler in botocore's ``BUILTIN_HANDLERS``, installed when this module
is first imported, so every botocore session made afterwards (and every client of it) carries
it; it does nothing while no block is active. Clients made from a session that existed
before the import are not reached (the pytest plugin imports this module when pytest starts,
so in a pytest run every session has the hook). While a block runs, ``boto3.DEFAULT_SESSION``
is a new one, as under moto, so ``boto3.client(...)`` reads the environment of the block.

Services the emulator does not serve raise ``NotEmulated``, or, with
``emulated(fallback="moto")`` and moto installed, are answered by moto's own mock (moto's
``mock_aws`` runs for the length of the block; only those services reach it).
"""

from __future__ import annotations

import functools
import inspect
import os
import unittest
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import boto3
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from emulator.api.regions import partition_of
from emulator.api.registry import REGISTRY, load_all
from emulator.core.world import DEFAULT_REGION, World
from emulator.protocol.models import service_model
from emulator.scenario_files import load_demo_into, load_file_into
from emulator.testing.inprocess import ENDPOINT, Body, answer

T = TypeVar("T")
FALLBACKS = (None, "moto")
# Used while a block runs when the environment names no credentials or Region: botocore
# would otherwise look for them on disk and on the network (the instance metadata service).
SECRET = "emulated"


class NotEmulated(Exception):
    """A call, inside ``emulated()``, for a service the emulator does not serve."""


@dataclass
class _Active:
    world: World
    moto_stubber: Any | None  # moto's request handler, when the block falls back to moto


_ACTIVE: list[_Active] = []  # innermost block last


@functools.cache
def served() -> dict[str, str]:
    """The services answered in-process: botocore's event name for each -> its name."""
    load_all()
    return {service_model(name).service_id.hyphenize(): name for name, _ in REGISTRY}


def active_world() -> World:
    """The World of the innermost ``emulated()`` block running now."""
    if not _ACTIVE:
        raise RuntimeError("no emulated() block is active")
    return _ACTIVE[-1].world


def _before_send(request: AWSPreparedRequest, event_name: str = "", **_: Any) -> Any:
    if not _ACTIVE or request.url.startswith(ENDPOINT):
        return None  # an in_process_client answers from its own world, with its own hook
    active = _ACTIVE[-1]
    parts = event_name.split(".")
    service = parts[1] if len(parts) > 2 else ""
    if service in served():
        return answer(active.world, request)
    if active.moto_stubber is not None:
        reply = active.moto_stubber.process_request(request)
        if reply is not None:
            status, headers, body = reply
            data = body.encode() if isinstance(body, str) else body or b""
            return AWSResponse(request.url, status, headers, Body(data))
    names = ", ".join(sorted(served().values()))
    hint = (
        "moto has no answer for it either"
        if active.moto_stubber is not None
        else "use emulated(fallback='moto') to have moto's mock answer it (moto installed)"
    )
    raise NotEmulated(
        f"ami-emulator does not serve {service or event_name} ({parts[-1]}); inside "
        f"emulated() it answers {names} only: {hint}"
    )


# REGISTER_FIRST: before moto's own handler, when moto is imported too.
handlers.BUILTIN_HANDLERS.append(("before-send", _before_send, handlers.REGISTER_FIRST))


class emulated:  # lower case: used like a function, as moto's mock_aws
    """Answer every botocore client in-process from one World for as long as it runs.

    ``with emulated() as world:``, ``@emulated()`` on a test function, or on a test class
    (each test gets a fresh world; a ``unittest.TestCase`` or a class with
    ``setup_method`` has it from its set-up on). ``world``: answer from this World (kept
    between uses); else each use builds one: empty, or ``scenario`` ("demo" for the
    built-in demo world, or a scenario file's path). ``default_account``: the account of
    access keys that name none. ``fallback="moto"``: moto's mock answers the services the
    emulator does not serve.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        scenario: str | Path | None = None,
        default_account: str | None = None,
        fallback: str | None = None,
    ) -> None:
        if fallback not in FALLBACKS:
            raise ValueError(f"fallback must be None or 'moto', not {fallback!r}")
        if world is not None and (scenario is not None or default_account is not None):
            raise ValueError("give a world, or a scenario and default account to build one")
        self.world = world
        self.scenario = scenario
        self.default_account = default_account
        self.fallback = fallback
        self._exits: list[Callable[[], None]] = []

    # ------------------------------------------------------------ the block

    def __enter__(self) -> World:
        moto_mock, stubber = self._start_moto() if self.fallback == "moto" else (None, None)
        world = self.world or self._build()
        saved_env = _fill_environment(world)
        saved_session = boto3.DEFAULT_SESSION
        boto3.DEFAULT_SESSION = None
        active = _Active(world, stubber)
        _ACTIVE.append(active)

        def leave() -> None:
            _ACTIVE.remove(active)
            boto3.DEFAULT_SESSION = saved_session
            _restore_environment(saved_env)
            if moto_mock is not None:
                moto_mock.stop()

        self._exits.append(leave)
        return world

    def __exit__(self, *_: object) -> None:
        self._exits.pop()()

    def _build(self) -> World:
        pinned = {"default_account": self.default_account} if self.default_account else {}
        world = World(pinned=pinned, partition_of=partition_of)
        if self.scenario == "demo":
            load_demo_into(world)
        elif self.scenario is not None:
            load_file_into(world, self.scenario)
        return world

    @staticmethod
    def _start_moto() -> tuple[Any, Any]:
        try:
            import moto
            from moto.core.models import botocore_stubber
        except ImportError:
            raise RuntimeError("emulated(fallback='moto') needs moto: pip install moto") from None
        mock = moto.mock_aws()
        mock.start()
        # moto's own hook stays off: only the requests this module hands it reach moto, so
        # no call is ever answered (or recorded) by both.
        botocore_stubber.enabled = False
        return mock, botocore_stubber

    # ------------------------------------------------------------ as a decorator

    def __call__(self, target: T) -> T:
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        if not callable(target):
            raise TypeError("emulated() decorates a function or a class")
        function: Callable[..., Any] = target  # type: ignore[assignment]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            set_up = cls.setUp

            def set_up_emulated(case: unittest.TestCase) -> None:
                self.__enter__()
                case.addCleanup(self.__exit__)
                set_up(case)

            cls.setUp = set_up_emulated  # type: ignore[method-assign]
            return cls
        if hasattr(cls, "setup_method"):
            setup, teardown = cls.setup_method, getattr(cls, "teardown_method", None)

            def setup_emulated(instance: Any, method: Any = None) -> None:
                self.__enter__()
                setup(instance, method)

            def teardown_emulated(instance: Any, method: Any = None) -> None:
                try:
                    if teardown is not None:
                        teardown(instance, method)
                finally:
                    self.__exit__()

            cls.setup_method = setup_emulated  # type: ignore[attr-defined]
            cls.teardown_method = teardown_emulated  # type: ignore[attr-defined]
            return cls
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(value):
                setattr(cls, name, self(value))
        return cls


def _fill_environment(world: World) -> dict[str, str | None]:
    """Credentials and a Region for clients that name none; what was there before."""
    wanted = {}
    if "AWS_ACCESS_KEY_ID" not in os.environ:
        wanted["AWS_ACCESS_KEY_ID"] = world.config.default_account
        wanted["AWS_SECRET_ACCESS_KEY"] = SECRET
    if "AWS_DEFAULT_REGION" not in os.environ and "AWS_REGION" not in os.environ:
        wanted["AWS_DEFAULT_REGION"] = world.config.default_region or DEFAULT_REGION
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
