"""RunInstances, DescribeInstances, TerminateInstances."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from emulator.api.ec2 import network_shapes, shapes
from emulator.api.ec2.params import (
    block_devices,
    filters,
    no_max_results_with_ids,
    required,
    tag_specs,
)
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.records import STATE_CODES, Instance
from emulator.core.ec2.network.placement import LaunchPlacement
from emulator.core.ec2.paging import page
from emulator.core.ec2.region import RegionState


def _instance(call: Call, region: RegionState, inst: Instance) -> dict[str, Any]:
    out = shapes.instance(
        inst,
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


def _reservation(call: Call, region: RegionState, launched: list[Instance]) -> dict[str, Any]:
    return {
        "ReservationId": launched[0].reservation_id,
        "OwnerId": launched[0].owner,
        "Groups": [],
        "Instances": [_instance(call, region, i) for i in launched],
    }


@operation("ec2", "RunInstances")
def run_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Launches MaxCount instances owned by the caller if it may launch the AMI (owner, public,
    account, organization or OU grant); each gets volumes from the AMI's snapshots owned by the
    launcher. Not permitted: AuthFailure; unknown: InvalidAMIID.NotFound. A KMS key the
    launcher may not use (policy, disabled, pending deletion) ends the instance terminated.
    """
    placement = params.get("Placement") or {}
    with writing(call) as (env, region):
        launched = instances.run_instances(
            env,
            region,
            call.account,
            image_id=required(params, "ImageId"),
            min_count=required(params, "MinCount"),
            max_count=required(params, "MaxCount"),
            instance_type=params.get("InstanceType"),
            availability_zone=placement.get("AvailabilityZone"),
            block_devices=block_devices(params.get("BlockDeviceMappings")),
            tags=tag_specs(params),
            network=_placement(params),
        )
        return _reservation(call, region, launched)


@operation("ec2", "DescribeInstances")
def describe_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's instances grouped in reservations, by id or Filters, with paging."""
    no_max_results_with_ids(params, "InstanceIds", "instancesSet")
    _, region = reading(call)
    found = instances.describe_instances(
        region, call.account, params.get("InstanceIds") or [], filters(params)
    )
    found.sort(key=lambda i: (i.launch_time, i.reservation_id, i.ami_launch_index))

    def order(i: Instance) -> str:
        return f"{i.launch_time}/{i.reservation_id}/{i.ami_launch_index:04d}"

    shown, token = page(found, order, params.get("MaxResults"), params.get("NextToken"))
    reservations = [
        _reservation(call, region, list(group))
        for _, group in groupby(shown, key=lambda i: i.reservation_id)
    ]
    out: dict[str, Any] = {"Reservations": reservations}
    if token:
        out["NextToken"] = token
    return out


@operation("ec2", "TerminateInstances")
def terminate_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Terminates the caller's instances at once; delete-on-termination volumes are deleted, others
    detached.
    """
    with writing(call) as (_, region):
        changed = instances.terminate_instances(
            region, call.account, required(params, "InstanceIds")
        )
    return {
        "TerminatingInstances": [
            {
                "InstanceId": inst.instance_id,
                "CurrentState": shapes.state(inst.state, inst.state_code),
                "PreviousState": shapes.state(previous, STATE_CODES[previous]),
            }
            for inst, previous in changed
        ]
    }
