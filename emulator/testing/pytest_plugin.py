"""The pytest plugin: a real emulator for your test session, reset between tests.

Installed with the package (entry point ``pytest11``), so the fixtures are there as soon as
``ami-emulator`` is installed:

- ``ami_server``: a server on a free 127.0.0.1 port for the whole session (``.url``).
- ``ami_world``: that server's World, reset before each test to an empty world, or to the
  scenario named by ``@pytest.mark.ami_scenario("file.yaml")`` (relative to the test file;
  ``"demo"`` is the built-in demo world).
- ``ami_client``: ``ami_client(service, account=..., region=...)`` -> a boto3 client acting
  as that account in that Region.
- ``ami_ids``: the ids of the world under test by name (``ami_ids.account("Dev")``,
  ``ami_ids.ou_arn("Engineering")``, ``ami_ids.image("golden-image")``, ...).
- ``ami_clock``: the emulator's clock for this test (``ami_clock.now()``,
  ``ami_clock.advance(hours=24)``, ``ami_clock.set("2030-01-01T00:00:00Z", frozen=True)``);
  every test starts on real time.
- ``ami_local``: like ``ami_client`` but in-process, without HTTP, on a World of its own
  (``ami_local.world``), for fast unit tests of code that takes a boto3 client.
- ``ami_emulated``: the test runs inside ``emulated()`` (``emulator.testing``): every
  boto3 client it makes, however made, is answered in-process by the World it yields, as
  under moto's ``mock_aws``; the ``ami_scenario`` marker applies.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from emulator.api.regions import partition_of
from emulator.core.clock import iso, parse_time
from emulator.core.scenario import dump
from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION, World
from emulator.scenario_files import load_demo_into, load_file_into
from emulator.server import RunningServer, start_in_thread
from emulator.testing.emulation import emulated
from emulator.testing.inprocess import in_process_client

# One attempt: a test must see the first answer, and nothing may hide a 5xx.
CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "ami_scenario(path): load this scenario file (or 'demo') into ami_world"
    )


@pytest.fixture(scope="session")
def ami_server() -> Iterator[RunningServer]:
    running = start_in_thread(World(partition_of=partition_of))
    yield running
    running.stop()


@pytest.fixture
def ami_world(ami_server: RunningServer, request: pytest.FixtureRequest) -> World:
    world = ami_server.world
    marker = request.node.get_closest_marker("ami_scenario")
    with world.lock:
        world.baseline = None
        world.reset()
        if marker is not None:
            _load(world, marker.args[0], Path(str(request.node.path)).parent)
    return world


def _load(world: World, name: str, base: Path) -> None:
    if name == "demo":
        load_demo_into(world)
    else:
        load_file_into(world, base / name)


class Clients:
    """boto3 clients by (service, account, Region), reused across tests.

    The least recently used ones are closed past ``MAX_OPEN``: each client keeps its own
    keep-alive connections, and a suite that creates many accounts would otherwise hold
    hundreds of idle connections against the server.
    """

    MAX_OPEN = 48

    def __init__(self, endpoint: str | None, world: World | None = None) -> None:
        self.endpoint = endpoint
        self.world = world
        self._made: OrderedDict[tuple[str, str, str], Any] = OrderedDict()

    def __call__(
        self, service: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION
    ) -> Any:
        key = (service, account, region)
        if key in self._made:
            self._made.move_to_end(key)
        else:
            while len(self._made) >= self.MAX_OPEN:
                self._made.popitem(last=False)[1].close()
            if self.endpoint is None:
                assert self.world is not None
                self._made[key] = in_process_client(self.world, service, account, region)
            else:
                self._made[key] = boto3.client(
                    service,
                    endpoint_url=self.endpoint,
                    region_name=region,
                    aws_access_key_id=account,
                    aws_secret_access_key="ami-emulator",
                    config=CLIENT_CONFIG,
                )
        return self._made[key]


@pytest.fixture(scope="session")
def _ami_clients(ami_server: RunningServer) -> Clients:
    return Clients(ami_server.url)


@pytest.fixture
def ami_client(ami_world: World, _ami_clients: Clients) -> Clients:
    return _ami_clients


@pytest.fixture
def ami_local(request: pytest.FixtureRequest) -> Clients:
    world = World(partition_of=partition_of)
    marker = request.node.get_closest_marker("ami_scenario")
    if marker is not None:
        _load(world, marker.args[0], Path(str(request.node.path)).parent)
    return Clients(None, world)


class UnknownName(KeyError):
    """A name the world under test does not hold; the message lists the names it does."""

    def __init__(self, kind: str, name: str, known: dict[str, Any]) -> None:
        names = ", ".join(repr(n) for n in sorted(known)) or "none"
        super().__init__(f"no {kind} named {name!r} in the world under test; its {kind}s: {names}")

    def __str__(self) -> str:
        return str(self.args[0])


def _named(kind: str, names: dict[str, Any], name: str) -> Any:
    try:
        return names[name]
    except KeyError:
        raise UnknownName(kind, name, names) from None


@pytest.fixture
def ami_emulated(request: pytest.FixtureRequest) -> Iterator[World]:
    marker = request.node.get_closest_marker("ami_scenario")
    world = World(partition_of=partition_of)
    if marker is not None:
        _load(world, marker.args[0], Path(str(request.node.path)).parent)
    with emulated(world) as active:
        yield active


class Ids:
    """Names to ids in the world under test, read from its scenario form. An unknown name
    raises ``UnknownName`` (a KeyError) listing the names the world knows."""

    def __init__(self, world: World) -> None:
        with world.lock:
            self.data = dump(world)
        self._accounts: dict[str, str] = {}
        self._ous: dict[str, tuple[str, str, str]] = {}  # name -> (ou id, org id, mgmt)
        for org in self.data["organizations"]:
            self._walk(org, org)
        self._images = {i["name"]: i["id"] for i in self.data["images"]}

    def _walk(self, node: dict, org: dict) -> None:
        for acct in node.get("accounts", []):
            self._accounts[acct["name"]] = acct["id"]
        for ou in node.get("ous", []):
            self._ous[ou["name"]] = (ou["id"], org["id"], org["management_account"])
            self._walk(ou, org)

    @property
    def organization(self) -> dict[str, Any]:
        """The first organization: ``id``, ``root_id``, ``management_account``."""
        if not self.data["organizations"]:
            raise LookupError(
                "the world under test has no organization: load a scenario that has one "
                '(@pytest.mark.ami_scenario("demo"), or a file)'
            )
        return self.data["organizations"][0]

    @property
    def org_id(self) -> str:
        return self.organization["id"]

    @property
    def org_arn(self) -> str:
        org = self.organization
        return f"arn:aws:organizations::{org['management_account']}:organization/{org['id']}"

    def account(self, name: str) -> str:
        return _named("account", self._accounts, name)

    def ou(self, name: str) -> str:
        return _named("OU", self._ous, name)[0]

    def ou_arn(self, name: str) -> str:
        ou_id, org_id, mgmt = _named("OU", self._ous, name)
        return f"arn:aws:organizations::{mgmt}:ou/{org_id}/{ou_id}"

    def image(self, name: str) -> str:
        return _named("image", self._images, name)


@pytest.fixture
def ami_ids(ami_world: World) -> Ids:
    return Ids(ami_world)


class ClockRefused(ValueError):
    """A move backwards past an event the world recorded (``force=True`` moves anyway)."""


class AmiClock:
    """The emulator's one clock, as ``POST /_emulator/clock`` moves it, for a test."""

    def __init__(self, world: World) -> None:
        self.world = world

    def now(self) -> datetime:
        with self.world.lock:
            return self.world.clock()

    def advance(
        self,
        seconds: float = 0,
        *,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
        force: bool = False,
    ) -> datetime:
        """Move the clock by that much (negative moves it back); the new time."""
        step = timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
        with self.world.lock:
            target = self.world.clock.target(advance=step.total_seconds())
            return self._move(target, None, force)

    def set(
        self, moment: datetime | str, *, frozen: bool | None = None, force: bool = False
    ) -> datetime:
        """Set the time (a datetime, or ISO 8601 text); ``frozen=True`` stops it there."""
        when = parse_time(moment) if isinstance(moment, str) else moment
        with self.world.lock:
            return self._move(self.world.clock.target(now=when), frozen, force)

    def _move(self, target: datetime, frozen: bool | None, force: bool) -> datetime:
        event = self.world.move_clock(target, frozen, force)
        if event is not None:
            raise ClockRefused(
                f"moving the clock to {iso(target)} would put it before {event.what} at "
                f"{iso(event.at)} (force=True moves it anyway)"
            )
        return self.world.clock()


@pytest.fixture
def ami_clock(ami_world: World) -> AmiClock:
    return AmiClock(ami_world)
