"""RunInstances and DescribeInstances: records with volumes, nothing runs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from emulator.core.authorization import CREATE_GRANT, DECRYPT
from emulator.core.commit import commit
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.images.catalog import LAUNCH, find_image
from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.instances.attributes import SHUTDOWN_BEHAVIORS
from emulator.core.ec2.instances.filters import instance_filters
from emulator.core.ec2.instances.lifecycle import begin, own_instances, visible
from emulator.core.ec2.instances.records import PENDING, TERMINATED, Instance
from emulator.core.ec2.keypairs.operations import find_key_pair
from emulator.core.ec2.network import placement
from emulator.core.ec2.network.placement import LaunchPlacement
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
# RunInstances' default type, as the API reference gives it.
DEFAULT_INSTANCE_TYPE = "m1.small"
MAX_CLIENT_TOKEN = 64
# Resource types RunInstances accepts in TagSpecifications.
RUN_TAGGABLE = {"instance", "volume", "network-interface", "spot-instances-request"}
# How AWS ends a launch whose volumes cannot be made with their KMS keys.
KMS_FAILURE_REASON = {
    "Code": "Client.InvalidKMSKey.InvalidState",
    "Message": "Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state",
}
KMS_FAILURE_TRANSITION = "Client.InternalError"


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


@dataclass
class LaunchSpec:
    """What RunInstances asks for, after the launch template's values are merged in.
    Placement (subnet, security groups, key pair, addresses, interfaces) joins here."""

    image_id: str
    min_count: int
    max_count: int
    instance_type: str | None = None
    availability_zone: str | None = None
    block_devices: list[BlockDevice] = field(default_factory=list)
    tags: TagSpecs = field(default_factory=dict)
    user_data: str | None = None
    disable_api_termination: bool = False
    disable_api_stop: bool = False
    shutdown_behavior: str | None = None
    ebs_optimized: bool = False
    kernel_id: str | None = None
    ramdisk_id: str | None = None
    hibernation_configured: bool = False
    client_token: str | None = None
    # The launch template used (id, version number), tagged onto the instances as AWS does.
    launch_template: tuple[str, int] | None = None
    # Subnet, security groups, key pair and address (core/ec2/network/placement.py).
    network: LaunchPlacement | None = None


def _check_spec(spec: LaunchSpec) -> None:
    check_specs(spec.tags, RUN_TAGGABLE)
    if spec.min_count < 1 or spec.max_count < 1:
        raise InvalidValue("instance_count_invalid", value=min(spec.min_count, spec.max_count))
    if spec.min_count > spec.max_count:
        raise InvalidValue("instance_count_range", min=spec.min_count, max=spec.max_count)
    if spec.max_count > MAX_INSTANCES_PER_CALL:
        raise InvalidValue("instance_count_invalid", value=spec.max_count)
    if spec.shutdown_behavior is not None and spec.shutdown_behavior not in SHUTDOWN_BEHAVIORS:
        raise InvalidValue(
            "parameter_value_invalid",
            name="InstanceInitiatedShutdownBehavior",
            value=spec.shutdown_behavior,
        )
    if spec.client_token is not None and len(spec.client_token) > MAX_CLIENT_TOKEN:
        raise InvalidValue("client_token_too_long", length=MAX_CLIENT_TOKEN)


def run_instances(
    env: Env, region: RegionState, account: str, spec: LaunchSpec
) -> tuple[list[Instance], bool]:
    """Launch ``max_count`` instances the caller owns, if it may launch the image; and
    whether they were launched before: the same ClientToken again answers the instances it
    launched, launching nothing (idempotency, as in AWS)."""
    _check_spec(spec)
    if spec.client_token:
        earlier = region.client_tokens.get((account, spec.client_token))
        if earlier is not None:
            return [region.instances[i] for i in earlier], True
    image = find_image(env, region, account, spec.image_id, LAUNCH)
    overrides = [
        replace(o, kms_key_id=named_key(env, account, region.name, o.encrypted, o.kms_key_id))
        for o in spec.block_devices
    ]
    merged = _devices(image, overrides)
    network = spec.network or LaunchPlacement()
    if network.key_name is not None:
        find_key_pair(region, account, network.key_name)
    where = placement.plan(region, account, spec.max_count, spec.availability_zone, network)
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
    zone = where.subnet.availability_zone
    reservation_id = env.ids.resource_id("r")
    instance_tags = dict(spec.tags.get("instance", {}))
    if spec.launch_template is not None:
        template_id, version = spec.launch_template
        instance_tags["aws:ec2launchtemplate:id"] = template_id
        instance_tags["aws:ec2launchtemplate:version"] = str(version)
    launched = []
    for index in range(spec.max_count):
        instance = Instance(
            instance_id=env.ids.resource_id("i"),
            reservation_id=reservation_id,
            owner=account,
            region=region.name,
            image_id=image.image_id,
            instance_type=spec.instance_type or DEFAULT_INSTANCE_TYPE,
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
            subnet_id=where.subnet.subnet_id,
            vpc_id=where.subnet.vpc_id,
            security_groups=dict(where.groups),
            key_name=network.key_name,
            kernel_id=spec.kernel_id or image.kernel_id,
            ramdisk_id=spec.ramdisk_id or image.ramdisk_id,
            user_data=spec.user_data or None,
            disable_api_termination=spec.disable_api_termination,
            disable_api_stop=spec.disable_api_stop,
            shutdown_behavior=spec.shutdown_behavior or "stop",
            ebs_optimized=spec.ebs_optimized,
            ena_support=image.ena_support,
            sriov_net_support=image.sriov_net_support,
            hibernation_configured=spec.hibernation_configured,
            client_token=spec.client_token,
            launch_template_id=spec.launch_template[0] if spec.launch_template else None,
            launch_template_version=(
                str(spec.launch_template[1]) if spec.launch_template else None
            ),
        )
        if not failed:
            placement.attach(instance, where.addresses[index])
        if failed:
            instance.state = TERMINATED
            instance.terminated_at = now
            instance.state_reason = dict(KMS_FAILURE_REASON)
            instance.state_transition_reason = KMS_FAILURE_TRANSITION
        else:
            begin(env, instance, PENDING)
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
            region.tags.put(vol.volume_id, account, spec.tags.get("volume", {}))
        region.instances[instance.instance_id] = instance
        region.tags.put(instance.instance_id, account, instance_tags)
        launched.append(instance)
    if spec.client_token:
        region.client_tokens[(account, spec.client_token)] = [i.instance_id for i in launched]
    if not failed:
        image.last_launched_time = now
        placement.settle(region, account, where, [i.instance_id for i in launched])
    return launched, False


def describe_instances(
    env: Env, region: RegionState, account: str, instance_ids: list[str], filters: list[Filter]
) -> list[Instance]:
    """The caller's instances (terminated ones for an hour), by id or filters."""
    now = env.now()
    matches = FilterSet(
        filters,
        instance_filters(lambda i: attached_volumes(region, i), now),
        lambda i: region.tags.get(i.instance_id, account),
    )
    wanted = matches.exact("instance-id")
    if instance_ids:
        found = own_instances(env, region, account, instance_ids)
    elif wanted is not None:
        # Plain instance ids are lookups, not a scan of the Region; the API sorts the answer.
        found = [
            i
            for i in map(region.instances.get, wanted)
            if i is not None and i.owner == account and visible(i, now)
        ]
    else:
        found = [i for i in region.instances.values() if i.owner == account and visible(i, now)]
    return [i for i in found if matches(i)]


def attached_volumes(region: RegionState, instance: Instance) -> list[Volume]:
    """The volumes attached to ``instance`` now (none once terminated)."""
    if instance.state == TERMINATED:
        return []
    return [
        region.volumes[v]
        for v in instance.volume_ids
        if v in region.volumes and region.volumes[v].instance_id == instance.instance_id
    ]
