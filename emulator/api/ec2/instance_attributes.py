"""DescribeInstanceAttribute and ModifyInstanceAttribute."""

from __future__ import annotations

import base64
from typing import Any

from emulator.api.ec2.params import required
from emulator.api.ec2.region import reading, writing
from emulator.api.ec2.shapes import timestamp
from emulator.api.registry import Call, operation
from emulator.core.ec2.instances import attributes
from emulator.core.ec2.instances.operations import attached_volumes
from emulator.core.ec2.instances.records import Instance
from emulator.core.ec2.region import RegionState

# ModifyInstanceAttribute's structured members -> the attribute each one sets.
_MEMBERS = {
    "InstanceType": "instanceType",
    "Kernel": "kernel",
    "Ramdisk": "ramdisk",
    "UserData": "userData",
    "DisableApiTermination": "disableApiTermination",
    "DisableApiStop": "disableApiStop",
    "InstanceInitiatedShutdownBehavior": "instanceInitiatedShutdownBehavior",
    "SourceDestCheck": "sourceDestCheck",
    "EbsOptimized": "ebsOptimized",
    "EnaSupport": "enaSupport",
    "SriovNetSupport": "sriovNetSupport",
}


def _value(value: Any) -> dict[str, Any]:
    return {"Value": value} if value is not None else {}


def _answer(region: RegionState, inst: Instance, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {"InstanceId": inst.instance_id}
    simple = {
        "instanceType": ("InstanceType", inst.instance_type),
        "kernel": ("KernelId", inst.kernel_id),
        "ramdisk": ("RamdiskId", inst.ramdisk_id),
        "userData": ("UserData", inst.user_data),
        "disableApiTermination": ("DisableApiTermination", inst.disable_api_termination),
        "disableApiStop": ("DisableApiStop", inst.disable_api_stop),
        "instanceInitiatedShutdownBehavior": (
            "InstanceInitiatedShutdownBehavior",
            inst.shutdown_behavior,
        ),
        "rootDeviceName": ("RootDeviceName", inst.root_device_name),
        "sourceDestCheck": ("SourceDestCheck", inst.source_dest_check),
        "ebsOptimized": ("EbsOptimized", inst.ebs_optimized),
        "enaSupport": ("EnaSupport", inst.ena_support),
        "sriovNetSupport": ("SriovNetSupport", inst.sriov_net_support),
    }
    if name in simple:
        member, value = simple[name]
        out[member] = _value(value)
    elif name == "blockDeviceMapping":
        out["BlockDeviceMappings"] = [
            {
                "DeviceName": v.device,
                "Ebs": {
                    "VolumeId": v.volume_id,
                    "Status": "attached",
                    "AttachTime": timestamp(v.attach_time),
                    "DeleteOnTermination": v.delete_on_termination,
                },
            }
            for v in attached_volumes(region, inst)
        ]
    elif name == "productCodes":
        out["ProductCodes"] = []
    elif name == "groupSet":
        # Security groups arrive with instance placement; until then an instance has none.
        out["Groups"] = []
    elif name == "enclaveOptions":
        out["EnclaveOptions"] = {"Enabled": False}
    return out


@operation("ec2", "DescribeInstanceAttribute")
def describe_instance_attribute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """One attribute of the caller's instance (names matched without regard to case): type,
    kernel, ramdisk, userData, termination and stop protection, shutdown behaviour, root
    device, block device mapping, source/dest check, EBS optimization, ENA, SR-IOV, groups."""
    env, region = reading(call)
    inst, name = attributes.instance_attribute(
        env,
        region,
        call.account,
        required(params, "InstanceId"),
        required(params, "Attribute"),
    )
    return _answer(region, inst, name)


def _user_data(value: Any) -> str | None:
    """UserData arrives as a blob (boto3 sends the bytes base64-encoded, the parser decodes
    them); it is kept base64-encoded, as RunInstances carries it."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode() if value else ""
    return value


@operation("ec2", "ModifyInstanceAttribute")
def modify_instance_attribute(call: Call, params: dict[str, Any]) -> None:
    """Changes one attribute of the caller's instance, by Attribute/Value or a member of its own;
    type, kernel, ramdisk, userData, EBS optimization, ENA and SR-IOV only while stopped
    (IncorrectInstanceState); BlockDeviceMappings change DeleteOnTermination by device."""
    changes: dict[str, Any] = {}
    if params.get("Attribute") is not None:
        changes[params["Attribute"]] = params.get("Value")
    for member, name in _MEMBERS.items():
        if params.get(member) is not None:
            value = params[member].get("Value")
            changes[name] = _user_data(value) if member == "UserData" else value
    if params.get("Groups") is not None:
        changes["groupSet"] = params["Groups"]
    delete_on_termination = {
        m.get("DeviceName") or "": bool((m.get("Ebs") or {}).get("DeleteOnTermination"))
        for m in params.get("BlockDeviceMappings") or []
    }
    with writing(call) as (env, region):
        attributes.modify_instance_attribute(
            env,
            region,
            call.account,
            required(params, "InstanceId"),
            changes,
            delete_on_termination,
        )
