"""Instance attributes: which exist, how names match, which changes need a stopped instance."""

from __future__ import annotations

from typing import Any

from emulator.core.commit import commit
from emulator.core.ec2.instances.lifecycle import own_instance
from emulator.core.ec2.instances.records import STOPPED, Instance
from emulator.core.ec2.region import Env, RegionState
from emulator.core.errors import Conflict, InvalidValue, NotFound

# The names DescribeInstanceAttribute takes, as the EC2 API reference spells them.
DESCRIBABLE = (
    "instanceType",
    "kernel",
    "ramdisk",
    "userData",
    "disableApiTermination",
    "instanceInitiatedShutdownBehavior",
    "rootDeviceName",
    "blockDeviceMapping",
    "productCodes",
    "sourceDestCheck",
    "groupSet",
    "ebsOptimized",
    "sriovNetSupport",
    "enaSupport",
    "enclaveOptions",
    "disableApiStop",
)
# Lower-cased name -> the API's spelling: names are matched without regard to case, as for
# image attributes (docs/semantics.md, "Instance attributes").
_BY_LOWER = {name.lower(): name for name in DESCRIBABLE}
# Changing these needs a stopped instance (the EC2 User Guide: "you must stop the instance").
NEEDS_STOPPED = {
    "instanceType",
    "kernel",
    "ramdisk",
    "userData",
    "ebsOptimized",
    "enaSupport",
    "sriovNetSupport",
}
SHUTDOWN_BEHAVIORS = ("stop", "terminate")
# Attribute -> the Instance field it is.
_FIELDS = {
    "instanceType": "instance_type",
    "kernel": "kernel_id",
    "ramdisk": "ramdisk_id",
    "userData": "user_data",
    "disableApiTermination": "disable_api_termination",
    "disableApiStop": "disable_api_stop",
    "instanceInitiatedShutdownBehavior": "shutdown_behavior",
    "sourceDestCheck": "source_dest_check",
    "ebsOptimized": "ebs_optimized",
    "enaSupport": "ena_support",
    "sriovNetSupport": "sriov_net_support",
}
_BOOLEANS = {
    "disableApiTermination",
    "disableApiStop",
    "sourceDestCheck",
    "ebsOptimized",
    "enaSupport",
}


def canonical(attribute: str) -> str:
    """The API's spelling of ``attribute``; an unknown one is InvalidParameterValue."""
    name = _BY_LOWER.get((attribute or "").lower())
    if name is None:
        raise InvalidValue("attribute_unknown", attribute=attribute)
    return name


def instance_attribute(
    env: Env, region: RegionState, account: str, instance_id: str, attribute: str
) -> tuple[Instance, str]:
    """The caller's instance and the attribute (in the API's spelling) it asks for."""
    name = canonical(attribute)
    return own_instance(env, region, account, instance_id), name


def _value(attribute: str, value: Any) -> Any:
    """The value as the record keeps it, or InvalidParameterValue."""
    if attribute in _BOOLEANS:
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text not in ("true", "false"):
            raise InvalidValue("parameter_value_invalid", name=attribute, value=value)
        return text == "true"
    if attribute == "instanceInitiatedShutdownBehavior" and value not in SHUTDOWN_BEHAVIORS:
        raise InvalidValue("parameter_value_invalid", name=attribute, value=value)
    if attribute == "instanceType" and not value:
        raise InvalidValue("parameter_value_invalid", name=attribute, value=value)
    return value if value != "" or attribute != "userData" else None


def modify_instance_attribute(
    env: Env,
    region: RegionState,
    account: str,
    instance_id: str,
    changes: dict[str, Any],
    delete_on_termination: dict[str, bool],
) -> None:
    """One attribute per call (``changes`` by API name, or the block device mappings'
    DeleteOnTermination by device); those of NEEDS_STOPPED only while stopped."""
    count = len(changes) + (1 if delete_on_termination else 0)
    if count == 0:
        raise InvalidValue("no_attributes")
    if count > 1:
        raise InvalidValue("one_attribute_only")
    inst = own_instance(env, region, account, instance_id)
    values = {}
    for attribute, value in changes.items():
        name = canonical(attribute)
        if name == "groupSet":
            # No security group exists until instances have placement (VPCs and groups); each
            # group named is then unknown, as AWS answers an unknown one.
            groups = list(value or [])
            if not groups:
                raise InvalidValue("missing_parameter", name="GroupId")
            raise NotFound("security_group_not_found", id=groups[0])
        if name not in _FIELDS:
            raise InvalidValue("attribute_unknown", attribute=attribute)
        if name in NEEDS_STOPPED and inst.state_at(env.now()) != STOPPED:
            raise Conflict("instance_not_stopped", id=inst.instance_id)
        values[_FIELDS[name]] = _value(name, value)
    attached = {
        v.device: v
        for v in map(region.volumes.get, inst.volume_ids)
        if v is not None and v.instance_id == inst.instance_id
    }
    for device in delete_on_termination:
        if device not in attached:
            raise InvalidValue("device_not_mapped", device=device, id=inst.instance_id)
    commit()
    for field_name, value in values.items():
        setattr(inst, field_name, value)
    for device, flag in delete_on_termination.items():
        attached[device].delete_on_termination = flag
