"""RunInstances, DescribeInstances, Stop/Start/Reboot/TerminateInstances, DescribeInstanceStatus."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from emulator.api.ec2 import network_shapes, shapes
from emulator.api.ec2.params import (
    block_devices,
    filters,
    no_max_results_with_ids,
    paged,
    required,
    tag_specs,
)
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.instances import lifecycle
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.operations import LaunchSpec
from emulator.core.ec2.instances.records import PENDING, Instance
from emulator.core.ec2.launch_templates import operations as templates
from emulator.core.ec2.network.placement import LaunchPlacement
from emulator.core.ec2.paging import page
from emulator.core.ec2.region import Env, RegionState


def _instance(call: Call, region: RegionState, inst: Instance, shown: str) -> dict[str, Any]:
    out = shapes.instance(
        inst,
        shown,
        instances.attached_volumes(region, inst),
        region.tags.get(inst.instance_id, call.account),
    )
    out.update(network_shapes.instance_network(inst, out["LaunchTime"]))
    return out


def _placement(params: dict[str, Any]) -> LaunchPlacement:
    """SubnetId, the groups, KeyName and PrivateIpAddress, from the request's top level or
    its first network interface (DeviceIndex 0), as Packer sends them."""
    nic = next(
        (n for n in params.get("NetworkInterfaces") or [] if n.get("DeviceIndex", 0) == 0), {}
    )
    return LaunchPlacement(
        subnet_id=params.get("SubnetId") or nic.get("SubnetId"),
        group_ids=[*(params.get("SecurityGroupIds") or []), *(nic.get("Groups") or [])],
        group_names=list(params.get("SecurityGroups") or []),
        key_name=params.get("KeyName"),
        private_ip=params.get("PrivateIpAddress") or nic.get("PrivateIpAddress"),
    )


def _reservation(
    call: Call, region: RegionState, group: list[Instance], shown: dict[str, str]
) -> dict[str, Any]:
    return {
        "ReservationId": group[0].reservation_id,
        "OwnerId": group[0].owner,
        "Groups": [],
        "Instances": [_instance(call, region, i, shown[i.instance_id]) for i in group],
    }


def _flag(params: dict[str, Any], name: str) -> bool:
    return bool(params.get(name))


def launch_spec(env: Env, region: RegionState, call: Call, params: dict[str, Any]) -> LaunchSpec:
    """RunInstances' parameters, over its launch template's data when it names one.
    Placement (SubnetId, SecurityGroupIds, KeyName, PrivateIpAddress, NetworkInterfaces) is
    read from the same merged parameters."""
    template_ref = params.get("LaunchTemplate")
    used = None
    if template_ref:
        template, version = templates.launch_data(region, call.account, template_ref)
        params = templates.merged_run_parameters(version.data, params)
        used = (template.template_id, version.number)
    placement = params.get("Placement") or {}
    return LaunchSpec(
        image_id=required(params, "ImageId"),
        min_count=required(params, "MinCount"),
        max_count=required(params, "MaxCount"),
        instance_type=params.get("InstanceType"),
        availability_zone=placement.get("AvailabilityZone"),
        block_devices=block_devices(params.get("BlockDeviceMappings")),
        tags=tag_specs(params),
        user_data=params.get("UserData"),
        disable_api_termination=_flag(params, "DisableApiTermination"),
        disable_api_stop=_flag(params, "DisableApiStop"),
        shutdown_behavior=params.get("InstanceInitiatedShutdownBehavior"),
        ebs_optimized=_flag(params, "EbsOptimized"),
        kernel_id=params.get("KernelId"),
        ramdisk_id=params.get("RamdiskId"),
        hibernation_configured=bool((params.get("HibernationOptions") or {}).get("Configured")),
        client_token=params.get("ClientToken") or None,
        launch_template=used,
        network=_placement(params),
    )


@operation("ec2", "RunInstances")
def run_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Launches MaxCount instances owned by the caller if it may launch the AMI (owner, public,
    account, organization or OU grant), from the request or a LaunchTemplate (the request's
    parameters win); each gets volumes from the AMI's snapshots and the mappings. Answers them
    pending; a ClientToken used before answers the same instances. Not permitted: AuthFailure;
    unknown: InvalidAMIID.NotFound. A KMS key the launcher may not use ends it terminated.
    """
    with writing(call) as (env, region):
        spec = launch_spec(env, region, call, params)
        launched, repeat = instances.run_instances(env, region, call.account, spec)
        now = env.now()
        shown = {i.instance_id: i.state_at(now) if repeat else PENDING for i in launched}
        return _reservation(call, region, launched, shown)


@operation("ec2", "DescribeInstances")
def describe_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's instances grouped in reservations, by id or Filters, with paging; each in
    the state it has now (terminated ones stay for an hour)."""
    no_max_results_with_ids(params, "InstanceIds", "instancesSet")
    env, region = reading(call)
    found = instances.describe_instances(
        env, region, call.account, params.get("InstanceIds") or [], filters(params)
    )
    found.sort(key=lambda i: (i.launch_time, i.reservation_id, i.ami_launch_index))

    def order(i: Instance) -> str:
        return f"{i.launch_time}/{i.reservation_id}/{i.ami_launch_index:04d}"

    shown, token = page(found, order, params.get("MaxResults"), params.get("NextToken"))
    now = env.now()
    states = {i.instance_id: i.state_at(now) for i in shown}
    reservations = [
        _reservation(call, region, list(group), states)
        for _, group in groupby(shown, key=lambda i: i.reservation_id)
    ]
    out: dict[str, Any] = {"Reservations": reservations}
    if token:
        out["NextToken"] = token
    return out


def _changes(member: str, changes: list[lifecycle.StateChange]) -> dict[str, Any]:
    return {member: [shapes.state_change(i, previous, now) for i, previous, now in changes]}


@operation("ec2", "StopInstances")
def stop_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Stops the caller's running instances (stopping, then stopped); Hibernate only for
    instances launched with hibernation; disableApiStop refuses (OperationNotPermitted)."""
    with writing(call) as (env, region):
        changes = lifecycle.stop_instances(
            env,
            region,
            call.account,
            required(params, "InstanceIds"),
            force=_flag(params, "Force"),
            hibernate=_flag(params, "Hibernate"),
        )
    return _changes("StoppingInstances", changes)


@operation("ec2", "StartInstances")
def start_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Starts the caller's stopped instances (pending, then running); a terminated or stopping
    one is IncorrectInstanceState."""
    with writing(call) as (env, region):
        changes = lifecycle.start_instances(
            env, region, call.account, required(params, "InstanceIds")
        )
    return _changes("StartingInstances", changes)


@operation("ec2", "RebootInstances")
def reboot_instances(call: Call, params: dict[str, Any]) -> None:
    """Reboots the caller's running instances; they stay running."""
    with writing(call) as (env, region):
        lifecycle.reboot_instances(env, region, call.account, required(params, "InstanceIds"))


@operation("ec2", "TerminateInstances")
def terminate_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Terminates the caller's instances (shutting-down, then terminated; visible for an hour);
    delete-on-termination volumes are deleted, others detached; disableApiTermination refuses.
    """
    with writing(call) as (env, region):
        changes = lifecycle.terminate_instances(
            env, region, call.account, required(params, "InstanceIds")
        )
    return _changes("TerminatingInstances", changes)


@operation("ec2", "DescribeInstanceStatus")
def describe_instance_status(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Status checks of the caller's running instances (every state with IncludeAllInstances),
    by id or Filters, with paging."""
    no_max_results_with_ids(params, "InstanceIds", "instancesSet")
    env, region = reading(call)
    found = lifecycle.describe_instance_status(
        env,
        region,
        call.account,
        params.get("InstanceIds") or [],
        filters(params),
        _flag(params, "IncludeAllInstances"),
    )
    now = env.now()

    def render(inst: Instance) -> dict[str, Any]:
        state = inst.state_at(now)
        checks = lifecycle.status_checks(state)
        summary = {
            "Status": checks["status"],
            "Details": [{"Name": "reachability", "Status": s} for s in checks["reachability"]],
        }
        return {
            "InstanceId": inst.instance_id,
            "AvailabilityZone": inst.availability_zone,
            "InstanceState": shapes.state(state),
            "InstanceStatus": summary,
            "SystemStatus": summary,
            "AttachedEbsStatus": {"Status": checks["status"], "Details": []},
            "Events": [],
        }

    return paged(params, "InstanceStatuses", found, lambda i: i.instance_id, render)
