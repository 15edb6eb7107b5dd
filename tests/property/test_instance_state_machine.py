"""Random sequences of launches, stops, starts, reboots, terminations and clock moves, checked
against a small reference model of EC2's instance states.

Every step goes through boto3 against a server of its own whose clock the test moves, with
transitions that settle at once (0 seconds) or after 10 seconds. After each step every
instance's state in DescribeInstances, and which calls were refused, must match the model.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from emulator.api.regions import partition_of
from emulator.core.world import World, WorldConfig
from emulator.server import RunningServer, start_in_thread
from emulator.testing.pytest_plugin import CLIENT_CONFIG
from tests.e2e.worlds import Client, register_image_from_snapshot

SETTLES = {"pending": "running", "stopping": "stopped", "shutting-down": "terminated"}
VISIBLE_AFTER_TERMINATION = timedelta(hours=1)
_accounts = itertools.count(300000000000)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Modelled:
    """One instance in the model: its settled state, the transition shown until ``until``."""

    state: str
    transition: str | None = None
    until: datetime | None = None
    terminated_at: datetime | None = None

    def shown(self, now: datetime) -> str:
        if self.transition is not None and self.until is not None and now < self.until:
            return self.transition
        return self.state

    def begin(self, transition: str, now: datetime, seconds: int) -> None:
        self.state = SETTLES[transition]
        self.transition = transition if seconds else None
        self.until = now + timedelta(seconds=seconds) if seconds else None


class InstanceMachine(RuleBasedStateMachine):
    def __init__(self, running: RunningServer, clock: Clock, seconds: int) -> None:
        super().__init__()
        self.clock, self.seconds = clock, seconds
        self.ec2: Client = boto3.client(
            "ec2",
            endpoint_url=running.url,
            region_name="us-east-1",
            aws_access_key_id=str(next(_accounts)),
            aws_secret_access_key="x",
            config=CLIENT_CONFIG,
        )
        self.image_id = register_image_from_snapshot(self.ec2)
        self.model: dict[str, Modelled] = {}
        self.order: list[str] = []

    def teardown(self) -> None:
        self.ec2.close()

    def visible(self) -> list[str]:
        now = self.clock.now
        return [
            i
            for i in self.order
            if self.model[i].terminated_at is None
            or now < self.model[i].terminated_at + VISIBLE_AFTER_TERMINATION
        ]

    def refused(self, call: object) -> str | None:
        try:
            call()  # type: ignore[operator]
        except ClientError as err:
            return err.response["Error"]["Code"]
        return None

    @rule(count=st.integers(1, 3))
    def launch(self, count: int) -> None:
        reply = self.ec2.run_instances(ImageId=self.image_id, MinCount=count, MaxCount=count)
        for instance in reply["Instances"]:
            assert instance["State"]["Name"] == "pending"
            modelled = Modelled("running")
            modelled.begin("pending", self.clock.now, self.seconds)
            self.model[instance["InstanceId"]] = modelled
            self.order.append(instance["InstanceId"])

    def pick(self, data: st.DataObject) -> list[str]:
        ids = self.visible()
        if not ids:
            return []
        return data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))

    @rule(data=st.data())
    def stop(self, data: st.DataObject) -> None:
        ids = self.pick(data)
        if not ids:
            return
        now = self.clock.now
        shown = [self.model[i].shown(now) for i in ids]
        expected = None
        if "pending" in shown or any(s not in ("running", "stopping", "stopped") for s in shown):
            expected = "IncorrectInstanceState"
        assert self.refused(lambda: self.ec2.stop_instances(InstanceIds=ids)) == expected
        if expected is None:
            for i in ids:
                if self.model[i].shown(now) == "running":
                    self.model[i].begin("stopping", now, self.seconds)

    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        ids = self.pick(data)
        if not ids:
            return
        now = self.clock.now
        ok = all(self.model[i].shown(now) in ("stopped", "pending", "running") for i in ids)
        expected = None if ok else "IncorrectInstanceState"
        assert self.refused(lambda: self.ec2.start_instances(InstanceIds=ids)) == expected
        if ok:
            for i in ids:
                if self.model[i].shown(now) == "stopped":
                    self.model[i].begin("pending", now, self.seconds)

    @rule(data=st.data())
    def reboot(self, data: st.DataObject) -> None:
        ids = self.pick(data)
        if not ids:
            return
        now = self.clock.now
        ok = all(self.model[i].shown(now) in ("running", "pending") for i in ids)
        expected = None if ok else "IncorrectInstanceState"
        assert self.refused(lambda: self.ec2.reboot_instances(InstanceIds=ids)) == expected

    @rule(data=st.data())
    def terminate(self, data: st.DataObject) -> None:
        ids = self.pick(data)
        if not ids:
            return
        now = self.clock.now
        self.ec2.terminate_instances(InstanceIds=ids)
        for i in ids:
            if self.model[i].state != "terminated":
                self.model[i].begin("shutting-down", now, self.seconds)
                self.model[i].terminated_at = now

    @rule(seconds=st.sampled_from([1, 5, 9, 10, 11, 30, 1800]))
    def wait(self, seconds: int) -> None:
        self.clock.now += timedelta(seconds=seconds)

    @invariant()
    def states_match(self) -> None:
        reservations = self.ec2.describe_instances()["Reservations"]
        seen = {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}
        now = self.clock.now
        assert seen == {i: self.model[i].shown(now) for i in self.visible()}


@pytest.fixture(params=[0, 10], ids=["settles-at-once", "ten-seconds"])
def slow_server(request: pytest.FixtureRequest) -> Iterator[tuple[RunningServer, Clock, int]]:
    clock = Clock()
    seconds = request.param
    world = World(
        config=WorldConfig(transition_seconds=seconds), clock=clock, partition_of=partition_of
    )
    running = start_in_thread(world)
    yield running, clock, seconds
    running.stop()


def test_instance_states_follow_the_model(slow_server: tuple[RunningServer, Clock, int]) -> None:
    running, clock, seconds = slow_server
    run_state_machine_as_test(
        lambda: InstanceMachine(running, clock, seconds),
        settings=settings(
            max_examples=12,
            stateful_step_count=15,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
