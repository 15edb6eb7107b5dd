"""RunInstances, DescribeInstances, TerminateInstances: records with volumes, nothing runs."""

from __future__ import annotations

from dataclasses import replace

from emulator.core.authorization import CREATE_GRANT, DECRYPT
from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.images.catalog import LAUNCH, find_image
from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.instances.records import RUNNING, TERMINATED, Instance
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.encryption import (
    device_keys,
    key_for,
    key_refusal,
    named_key,
    record_key_grant,
)
from emulator.core.ec2.storage.operations import (
    DEFAULT_VOLUME_SIZE,
    check_size,
    check_volume_type,
    new_volume,
)
from emulator.core.ec2.storage.records import Volume
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import InvalidValue

MAX_INSTANCES_PER_CALL = 100
# Resource types RunInstances accepts in TagSpecifications; only these two are modelled.
RUN_TAGGABLE = {"instance", "volume", "network-interface", "spot-instances-request"}
# How AWS ends a launch whose volumes cannot be made with their KMS keys.
KMS_FAILURE_REASON = {
    "Code": "Client.InvalidKMSKey.InvalidState",
    "Message": "Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state",
}
KMS_FAILURE_TRANSITION = "Client.InternalError"

INSTANCE_FILTERS = {
    "instance-id": lambda i: [i.instance_id],
    "image-id": lambda i: [i.image_id],
    "instance-state-name": lambda i: [i.state],
    "instance-state-code": lambda i: [str(i.state_code)],
    "instance-type": lambda i: [i.instance_type],
    "reservation-id": lambda i: [i.reservation_id],
    "owner-id": lambda i: [i.owner],
    "availability-zone": lambda i: [i.availability_zone],
    "root-device-type": lambda i: [i.root_device_type],
    "root-device-name": lambda i: [i.root_device_name],
    "architecture": lambda i: [i.architecture],
    "launch-time": lambda i: [i.launch_time],
    "ami-launch-index": lambda i: [str(i.ami_launch_index)],
    "virtualization-type": lambda i: [i.virtualization_type],
    "hypervisor": lambda i: [i.hypervisor],
    "platform-details": lambda i: [i.platform_details],
    "block-device-mapping.volume-id": lambda i: list(i.volume_ids),
    "instance-lifecycle": lambda i: [],
    "state-reason-code": lambda i: [i.state_reason["Code"]] if i.state_reason else [],
}


def _devices(image: Image, overrides: list[BlockDevice]) -> list[BlockDevice]:
    """The image's mappings with the caller's overrides (by device name) applied."""
    by_name = {bd.device_name: bd for bd in image.block_devices}
    for o in overrides:
        if o.no_device:
            by_name.pop(o.device_name, None)
            continue
        check_volume_type(o.volume_type)
        base = by_name.get(o.device_name)
        if base is None:
            by_name[o.device_name] = replace(o, volume_type=o.volume_type or "gp3")
            continue
        size = o.volume_size if o.volume_size is not None else base.volume_size
        if size is not None and base.volume_size is not None and size < base.volume_size:
            raise InvalidValue(
                "volume_smaller_than_snapshot", size=size, snapshot_size=base.volume_size
            )
        by_name[o.device_name] = replace(
            base,
            volume_size=size,
            volume_type=o.volume_type or base.volume_type,
            delete_on_termination=o.delete_on_termination,
            encrypted=bool(base.encrypted) or bool(o.encrypted),
            kms_key_id=o.kms_key_id or base.kms_key_id,
            iops=o.iops or base.iops,
            throughput=o.throughput or base.throughput,
        )
    devices = [bd for bd in by_name.values() if bd.is_ebs]
    for bd in devices:
        check_size(bd.volume_size or DEFAULT_VOLUME_SIZE)
    return devices


def run_instances(
    env: Env,
    region: RegionState,
    account: str,
    *,
    image_id: str,
    min_count: int,
    max_count: int,
    instance_type: str | None,
    availability_zone: str | None,
    block_devices: list[BlockDevice],
    tags: TagSpecs,
) -> list[Instance]:
    """Launch ``max_count`` instances the caller owns, if it may launch the image."""
    check_specs(tags, RUN_TAGGABLE)
    if min_count < 1 or max_count < 1:
        raise InvalidValue("instance_count_invalid", value=min(min_count, max_count))
    if min_count > max_count:
        raise InvalidValue("instance_count_range", min=min_count, max=max_count)
    if max_count > MAX_INSTANCES_PER_CALL:
        raise InvalidValue("instance_count_invalid", value=max_count)
    image = find_image(env, region, account, image_id, LAUNCH)
    overrides = [
        replace(o, kms_key_id=named_key(env, account, region.name, o.encrypted, o.kms_key_id))
        for o in block_devices
    ]
    merged = _devices(image, overrides)
    commit()
    devices = [
        replace(bd, kms_key_id=key_for(env, account, region.name, True, bd.kms_key_id))
        if bd.encrypted
        else bd
        for bd in merged
    ]
    # A volume made from a snapshot needs the snapshot's key as well as its own. The launch
    # is accepted either way; a key the launcher may not use ends it at once.
    used = {bd.device_name for bd in devices}
    sources = [bd for bd in image.block_devices if bd.device_name in used]
    keys = device_keys([*sources, *devices])
    image_keys = {bd.device_name: bd.kms_key_id for bd in sources if bd.encrypted}
    # Another account's key named in the request must allow everything EBS needs.
    named = [o.kms_key_id for o in overrides if o.kms_key_id]
    failed = (
        key_refusal(env, DECRYPT, keys, account, region.name) is not None
        or key_refusal(env, CREATE_GRANT, named, account, region.name) is not None
    )
    now = env.now()
    zone = availability_zone or f"{region.name}a"
    reservation_id = env.ids.resource_id("r")
    launched = []
    for index in range(max_count):
        instance = Instance(
            instance_id=env.ids.resource_id("i"),
            reservation_id=reservation_id,
            owner=account,
            region=region.name,
            image_id=image.image_id,
            instance_type=instance_type or "m1.small",
            launch_time=now,
            availability_zone=zone,
            ami_launch_index=index,
            root_device_name=image.root_device_name,
            root_device_type=image.root_device_type,
            architecture=image.architecture,
            virtualization_type=image.virtualization_type,
            hypervisor=image.hypervisor,
            platform_details=image.platform_details,
            usage_operation=image.usage_operation,
        )
        if failed:
            instance.state = TERMINATED
            instance.state_reason = dict(KMS_FAILURE_REASON)
            instance.state_transition_reason = KMS_FAILURE_TRANSITION
        for bd in [] if failed else devices:
            vol = new_volume(
                env,
                region,
                account,
                size=bd.volume_size or DEFAULT_VOLUME_SIZE,
                availability_zone=zone,
                snapshot_id=bd.snapshot_id,
                volume_type=bd.volume_type,
                iops=bd.iops,
                throughput=bd.throughput,
                encrypted=bool(bd.encrypted),
                kms_key_id=bd.kms_key_id,
            )
            # The volume's data is opened with the image snapshot's key too.
            source = image_keys.get(bd.device_name)
            if source != vol.kms_key_id:
                record_key_grant(env, source, account, vol.volume_id)
            vol.instance_id = instance.instance_id
            vol.device = bd.device_name
            vol.attach_time = now
            vol.delete_on_termination = bd.delete_on_termination
            instance.volume_ids.append(vol.volume_id)
            region.tags.put(vol.volume_id, account, tags.get("volume", {}))
        region.instances[instance.instance_id] = instance
        region.tags.put(instance.instance_id, account, tags.get("instance", {}))
        launched.append(instance)
    if not failed:
        image.last_launched_time = now
    return launched


def _own_instances(region: RegionState, account: str, instance_ids: list[str]) -> list[Instance]:
    return resource_ids.find_all(
        "instance", region.instances, instance_ids, resource_ids.owned_by(account)
    )


def describe_instances(
    region: RegionState, account: str, instance_ids: list[str], filters: list[Filter]
) -> list[Instance]:
    matches = FilterSet(
        filters, INSTANCE_FILTERS, lambda i: region.tags.get(i.instance_id, account)
    )
    if instance_ids:
        found = _own_instances(region, account, instance_ids)
    else:
        found = [i for i in region.instances.values() if i.owner == account]
    return [i for i in found if matches(i)]


def terminate_instances(
    region: RegionState, account: str, instance_ids: list[str]
) -> list[tuple[Instance, str]]:
    """Terminate; volumes marked delete-on-termination go, the others are detached."""
    changed = []
    owned = _own_instances(region, account, instance_ids)
    commit()
    for instance in owned:
        previous = instance.state
        if previous != TERMINATED:
            instance.state = TERMINATED
            _release_volumes(region, instance)
        changed.append((instance, previous))
    return changed


def _release_volumes(region: RegionState, instance: Instance) -> None:
    for volume_id in instance.volume_ids:
        vol = region.volumes.get(volume_id)
        if vol is None or vol.instance_id != instance.instance_id:
            continue
        if vol.delete_on_termination:
            del region.volumes[volume_id]
            region.tags.drop(volume_id)
        else:
            vol.instance_id = vol.device = vol.attach_time = None
            vol.delete_on_termination = False


def attached_volumes(region: RegionState, instance: Instance) -> list[Volume]:
    """The volumes attached to ``instance`` now (none once terminated)."""
    if instance.state != RUNNING:
        return []
    return [
        region.volumes[v]
        for v in instance.volume_ids
        if v in region.volumes and region.volumes[v].instance_id == instance.instance_id
    ]
