"""Instance states: Stop/Start/Reboot/TerminateInstances, DescribeInstanceStatus, what a read shows.


A change settles at once unless the World's ``transition_seconds`` says otherwise: the call
that makes it answers the transitional state (pending, stopping, shutting-down); a read
after ``settles_at`` shows the settled one. Reads never change a record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.images.records import aws_time
from emulator.core.ec2.instances.records import (
    PENDING,
    RUNNING,
    SETTLES_TO,
    SHUTTING_DOWN,
    STATE_CODES,
    STOPPED,
    STOPPING,
    TERMINATED,
    Instance,
)
from emulator.core.ec2.network import placement
from emulator.core.ec2.region import Env, RegionState
from emulator.core.errors import Conflict, NotAuthorized

# The most ``transition_seconds`` may be: a transition longer than an hour helps no test.
MAX_TRANSITION_SECONDS = 3600
# A terminated instance stays visible this long, as in AWS ("about an hour").
TERMINATED_VISIBLE = timedelta(hours=1)
USER_SHUTDOWN = {
    "Code": "Client.UserInitiatedShutdown",
    "Message": "Client.UserInitiatedShutdown: User initiated shutdown",
}
USER_HIBERNATE = {
    "Code": "Client.UserInitiatedHibernate",
    "Message": "Client.UserInitiatedHibernate: User initiated hibernate",
}

StateChange = tuple[Instance, str, str]  # instance, previous state, state now


def visible(inst: Instance, now: str) -> bool:
    """Whether reads still show ``inst``: a terminated instance for an hour after."""
    if inst.terminated_at is None:
        return True
    ended = datetime.fromisoformat(inst.terminated_at.replace("Z", "+00:00"))
    return now < aws_time(ended + TERMINATED_VISIBLE)


def own_instances(
    env: Env, region: RegionState, account: str, instance_ids: list[str]
) -> list[Instance]:
    """The caller's instances by id, all or an error naming every id not found."""
    now = env.now()
    return resource_ids.find_all(
        "instance",
        region.instances,
        instance_ids,
        lambda i: i.owner == account and visible(i, now),
    )


def own_instance(env: Env, region: RegionState, account: str, instance_id: str) -> Instance:
    (inst,) = own_instances(env, region, account, [instance_id])
    return inst


def begin(env: Env, inst: Instance, transition: str) -> None:
    """Move ``inst`` into ``transition``; it settles in the state the transition leads to."""
    inst.state = SETTLES_TO[transition]
    settles_at = env.settles_at()
    inst.transition = transition if settles_at is not None else None
    inst.settles_at = settles_at


def _user_initiated(env: Env) -> str:
    return f"User initiated ({env.clock().strftime('%Y-%m-%d %H:%M:%S')} GMT)"


def stop_instances(
    env: Env,
    region: RegionState,
    account: str,
    instance_ids: list[str],
    *,
    force: bool = False,
    hibernate: bool = False,
) -> list[StateChange]:
    """Stop every instance or none: running ones go stopping -> stopped; stopped and stopping
    ones answer as they are. Force changes nothing more here (nothing hangs)."""
    del force  # an instance never hangs here, so forcing a stop changes nothing
    owned = own_instances(env, region, account, instance_ids)
    now = env.now()
    for inst in owned:
        state = inst.state_at(now)
        if state == PENDING:
            raise Conflict("instance_never_running", id=inst.instance_id)
        if state not in (RUNNING, STOPPING, STOPPED):
            raise Conflict("instance_not_stoppable", id=inst.instance_id)
        if inst.disable_api_stop and state == RUNNING:
            raise NotAuthorized("instance_stop_protected", id=inst.instance_id)
        if hibernate and not inst.hibernation_configured:
            raise Conflict("hibernation_not_configured", id=inst.instance_id)
    commit()
    changes = []
    for inst in owned:
        previous = inst.state_at(now)
        if previous == RUNNING:
            begin(env, inst, STOPPING)
            inst.state_reason = dict(USER_HIBERNATE if hibernate else USER_SHUTDOWN)
            inst.state_transition_reason = _user_initiated(env)
            changes.append((inst, previous, STOPPING))
        else:
            changes.append((inst, previous, previous))
    return changes


def start_instances(
    env: Env, region: RegionState, account: str, instance_ids: list[str]
) -> list[StateChange]:
    """Start every instance or none: stopped ones go pending -> running; running and pending
    ones answer as they are; any other state is IncorrectInstanceState."""
    owned = own_instances(env, region, account, instance_ids)
    now = env.now()
    for inst in owned:
        if inst.state_at(now) not in (STOPPED, PENDING, RUNNING):
            raise Conflict("instance_not_startable", id=inst.instance_id)
    commit()
    changes = []
    for inst in owned:
        previous = inst.state_at(now)
        if previous == STOPPED:
            begin(env, inst, PENDING)
            inst.state_reason = None
            inst.state_transition_reason = ""
            changes.append((inst, previous, PENDING))
        else:
            changes.append((inst, previous, previous))
    return changes


def reboot_instances(env: Env, region: RegionState, account: str, instance_ids: list[str]) -> None:
    """Reboot running instances; they stay running (a reboot is not a state in EC2)."""
    owned = own_instances(env, region, account, instance_ids)
    now = env.now()
    for inst in owned:
        if inst.state_at(now) not in (RUNNING, PENDING):
            raise Conflict("instance_not_rebootable", id=inst.instance_id)
    commit()


def terminate_instances(
    env: Env, region: RegionState, account: str, instance_ids: list[str]
) -> list[StateChange]:
    """Terminate every instance or none (termination protection refuses the call);
    delete-on-termination volumes go at once, the others are detached."""
    owned = own_instances(env, region, account, instance_ids)
    for inst in owned:
        if inst.disable_api_termination and inst.state != TERMINATED:
            raise NotAuthorized("instance_termination_protected", id=inst.instance_id)
    commit()
    now = env.now()
    changes = []
    for inst in owned:
        previous = inst.state_at(now)
        if inst.state == TERMINATED:
            changes.append((inst, previous, previous))
            continue
        begin(env, inst, SHUTTING_DOWN)
        inst.terminated_at = now
        inst.state_reason = dict(USER_SHUTDOWN)
        inst.state_transition_reason = _user_initiated(env)
        release_volumes(region, inst)
        placement.release(region, inst)
        changes.append((inst, previous, SHUTTING_DOWN))
    return changes


def release_volumes(region: RegionState, inst: Instance) -> None:
    """At termination: delete-on-termination volumes are deleted, the others detached."""
    for volume_id in inst.volume_ids:
        vol = region.volumes.get(volume_id)
        if vol is None or vol.instance_id != inst.instance_id:
            continue
        if vol.delete_on_termination:
            del region.volumes[volume_id]
            region.tags.drop(volume_id)
        else:
            vol.instance_id = vol.device = vol.attach_time = None
            vol.delete_on_termination = False


# ---- DescribeInstanceStatus ------------------------------------------------------------


def _checks(state: str) -> str:
    """Status checks pass on a running instance; they do not apply otherwise."""
    return "ok" if state == RUNNING else "not-applicable"


def _reachability(state: str) -> list[str]:
    return ["passed"] if state == RUNNING else []


def status_filters(now: str) -> dict[str, Callable[[Instance], list[str]]]:
    """DescribeInstanceStatus's documented filters, read at ``now``. No instance here has
    scheduled events, an operator or attached-EBS / application checks."""
    return {
        "availability-zone": lambda i: [i.availability_zone],
        "availability-zone-id": lambda i: [],
        "event.code": lambda i: [],
        "event.description": lambda i: [],
        "event.instance-event-id": lambda i: [],
        "event.not-after": lambda i: [],
        "event.not-before": lambda i: [],
        "event.not-before-deadline": lambda i: [],
        "instance-state-code": lambda i: [str(STATE_CODES[i.state_at(now)])],
        "instance-state-name": lambda i: [i.state_at(now)],
        "instance-status.reachability": lambda i: _reachability(i.state_at(now)),
        "instance-status.status": lambda i: [_checks(i.state_at(now))],
        "operator.managed": lambda i: ["false"],
        "operator.principal": lambda i: [],
        "system-status.reachability": lambda i: _reachability(i.state_at(now)),
        "system-status.status": lambda i: [_checks(i.state_at(now))],
        "attached-ebs-status.status": lambda i: [_checks(i.state_at(now))],
        "application-status.status": lambda i: [],
    }


def describe_instance_status(
    env: Env,
    region: RegionState,
    account: str,
    instance_ids: list[str],
    filters: list[Filter],
    include_all: bool,
) -> list[Instance]:
    """The caller's instances with their status: running ones only, unless ``include_all``
    (the ids named are still checked: an unknown one is an error)."""
    now = env.now()
    matches = FilterSet(filters, status_filters(now))
    if instance_ids:
        found = own_instances(env, region, account, instance_ids)
    else:
        found = [i for i in region.instances.values() if i.owner == account and visible(i, now)]
    return [i for i in found if (include_all or i.state_at(now) == RUNNING) and matches(i)]


def status_checks(state: str) -> dict[str, str | list[str]]:
    """What a status check answers for an instance in ``state``: its status and reachability."""
    return {"status": _checks(state), "reachability": _reachability(state)}
