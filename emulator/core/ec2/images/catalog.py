"""AMI operations: register, create from an instance, copy, deregister, describe, attributes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace

from emulator.core.authorization import (
    ALLOWED_IMAGES_LAYER,
    DEREGISTER_IMAGE,
    DESCRIBE_IMAGES,
    MODIFY_IMAGE_ATTRIBUTE,
    POLICY_LAYERS,
    RUN_INSTANCES,
    AccessRequest,
    Step,
    unauthorized,
)
from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet, always, as_text, field_table
from emulator.core.ec2.images import allowed_images
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images.launch_permissions import GROUP, Grant, change, validate
from emulator.core.ec2.images.records import (
    DEREGISTERED,
    DISABLED,
    BlockDevice,
    Image,
    aws_time,
    check_name,
)
from emulator.core.ec2.instances.lifecycle import own_instance
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.encryption import (
    check_named_key,
    check_shareable,
    check_stored_keys,
    key_for,
    named_key,
    record_key_grant,
)
from emulator.core.ec2.storage.operations import (
    DEFAULT_VOLUME_SIZE,
    check_size,
    check_volume_type,
    new_snapshot,
    own_snapshot,
    snapshot_of,
)
from emulator.core.ec2.storage.snapshot_permissions import check_storage_readable
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import Conflict, Gone, InvalidValue, NotAuthorized, NotFound

ARCHITECTURES = {"i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"}
VIRTUALIZATION_TYPES = {"hvm", "paravirtual"}
BOOT_MODES = {"legacy-bios", "uefi", "uefi-preferred"}
OWNER_ALIASES = {"amazon", "aws-marketplace", "aws-backup-vault"}
DESCRIBABLE_ATTRIBUTES = {
    "description",
    "kernel",
    "ramdisk",
    "launchPermission",
    "productCodes",
    "blockDeviceMapping",
    "sriovNetSupport",
    "bootMode",
    "tpmSupport",
    "uefiData",
    "lastLaunchedTime",
    "imdsSupport",
    "deregistrationProtection",
}
_ACCOUNT_RE = re.compile(r"\d{12}")


def _present(value: str | None) -> list[str]:
    return [] if value is None else [value]


def _ebs(image: Image) -> list[BlockDevice]:
    return [b for b in image.block_devices if b.is_ebs]


# How to read, for the caller, each filter DescribeImages documents: what the answer shows.
IMAGE_FILTERS = field_table(
    {
        "image-id": lambda i: [i.image_id],
        "name": lambda i: [i.name],
        "description": lambda i: _present(i.description),
        "owner-id": lambda i: [i.owner],
        "is-public": lambda i: [as_text(i.public)],
        "state": lambda i: [i.state],
        "architecture": lambda i: [i.architecture],
        "image-type": lambda i: [i.image_type],
        "root-device-type": lambda i: [i.root_device_type],
        "root-device-name": lambda i: [i.root_device_name],
        "virtualization-type": lambda i: [i.virtualization_type],
        "hypervisor": lambda i: [i.hypervisor],
        "ena-support": lambda i: [as_text(i.ena_support)],
        "sriov-net-support": lambda i: _present(i.sriov_net_support),
        "boot-mode": lambda i: _present(i.boot_mode),
        # Windows AMIs alone show a Platform (``windows``); Linux ones show none.
        "platform": lambda i: ["windows"] if i.platform_details.startswith("Windows") else [],
        "creation-date": lambda i: [i.creation_date],
        "kernel-id": lambda i: _present(i.kernel_id),
        "ramdisk-id": lambda i: _present(i.ramdisk_id),
        "manifest-location": lambda i: [i.location],
        # No image is in the Free Tier's list. ``image-allowed`` is the caller's own Allowed
        # AMIs verdict, added per call (describe_images).
        "free-tier-eligible": always("false"),
        "source-image-id": lambda i: _present(i.source_image_id),
        "source-image-region": lambda i: _present(i.source_image_region),
        "source-instance-id": lambda i: _present(i.source_instance_id),
        "block-device-mapping.device-name": lambda i: [b.device_name for b in i.block_devices],
        "block-device-mapping.snapshot-id": lambda i: [
            b.snapshot_id for b in i.block_devices if b.snapshot_id
        ],
        "block-device-mapping.volume-size": lambda i: [
            str(b.volume_size) for b in i.block_devices if b.volume_size is not None
        ],
        "block-device-mapping.volume-type": lambda i: [
            b.volume_type for b in _ebs(i) if b.volume_type
        ],
        "block-device-mapping.encrypted": lambda i: [as_text(bool(b.encrypted)) for b in _ebs(i)],
        "block-device-mapping.delete-on-termination": lambda i: [
            as_text(b.delete_on_termination) for b in _ebs(i)
        ],
    },
    without_data=(
        # Aliases belong to Amazon's own accounts, and product codes to Marketplace.
        "owner-alias",
        "product-code",
        "product-code.type",
        # An available image has no state reason.
        "state-reason-code",
        "state-reason-message",
        "public-ssm-parameter-name",
        "image-watermark.source-image-creation-time",
        "image-watermark.source-image-id",
        "image-watermark.source-image-region",
        "image-watermark.watermark-creation-time",
        "image-watermark.watermark-key",
        "instance-type-specification.supported-instance-type",
        "instance-type-specification.unsupported-instance-type",
        "scan-result.critical-fix-available-since",
        "scan-result.finding-scan-date",
        "scan-result.high-fix-available-since",
        "scan-result.highest-finding-severity-label",
        "scan-result.informational-fix-available-since",
        "scan-result.low-fix-available-since",
        "scan-result.medium-fix-available-since",
    ),
)


@dataclass
class ImageSpec:
    """What a caller may set when registering an image; unset fields keep Image's defaults."""

    name: str
    description: str | None = None
    architecture: str | None = None
    root_device_name: str | None = None
    virtualization_type: str | None = None
    ena_support: bool | None = None
    sriov_net_support: str | None = None
    imds_support: str | None = None
    boot_mode: str | None = None
    tpm_support: str | None = None
    uefi_data: str | None = None
    kernel_id: str | None = None
    ramdisk_id: str | None = None
    image_location: str | None = None

    def check(self) -> None:
        check_name(self.name)
        _one_of("architecture", self.architecture, ARCHITECTURES)
        _one_of("virtualizationType", self.virtualization_type, VIRTUALIZATION_TYPES)
        _one_of("bootMode", self.boot_mode, BOOT_MODES)
        _one_of("tpmSupport", self.tpm_support, {"v2.0"})
        _one_of("imdsSupport", self.imds_support, {"v2.0"})

    def set_fields(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def _one_of(name: str, value: str | None, allowed: set[str]) -> None:
    if value is not None and value not in allowed:
        raise InvalidValue("parameter_value_invalid", name=name, value=value)


# ---- finding an image for a caller -------------------------------------------------------

READ = "read"  # visible to the caller (owner, public or granted)
OWNER = "owner"  # the caller must own it
LAUNCH = "launch"  # the caller must be allowed to launch it


def find_image(env: Env, region: RegionState, account: str, image_id: str, need: str) -> Image:
    """The image, or the error this caller gets: malformed, not found, gone, not authorized."""
    image_id = resource_ids.check("image", image_id)
    image = region.images.get(image_id)
    if image is None:
        raise resource_ids.not_found("image", [image_id])
    if image.state == DEREGISTERED:
        if image.owner == account:
            raise Gone("image_unavailable", id=image_id)
        raise resource_ids.not_found("image", [image_id])
    action = RUN_INSTANCES if need == LAUNCH else DESCRIBE_IMAGES
    decision = env.authorize(AccessRequest(account, action, region.name, image))
    refusal, allowed = decision.refusal, decision.allowed
    if refusal is not None and refusal.layer in POLICY_LAYERS:
        raise unauthorized(refusal)
    if need == LAUNCH and not allowed:
        if image.state == DISABLED and image.owner == account:
            raise Conflict("image_disabled", id=image_id)
        message = _policy_message(env, account, refusal)
        if message is not None:
            raise NotAuthorized("images_not_authorized_by_policy", ids=[image_id], message=message)
        raise NotAuthorized("images_not_authorized", ids=[image_id])
    if not allowed:
        raise resource_ids.not_found("image", [image_id])
    if need == OWNER and image.owner != account:
        raise NotAuthorized("image_not_owned", id=image_id)
    return image


def _policy_message(env: Env, account: str, refusal: Step | None) -> str | None:
    """The declarative policy's exception_message when its Allowed AMIs refused."""
    if refusal is None or refusal.layer != ALLOWED_IMAGES_LAYER:
        return None
    policy = env.declarative(account)
    if policy is None or policy.allowed_images_state is None:
        return None
    return policy.exception_message


def check_identity(
    env: Env, region: RegionState, account: str, action: str, image: Image | None
) -> None:
    """The caller's own policies must allow the call (an IAM user or role session; the root
    user is not asked): else UnauthorizedOperation, as EC2 answers."""
    refusal = env.authorize(AccessRequest(account, action, region.name, image)).refusal
    if refusal is not None and refusal.layer in POLICY_LAYERS:
        raise unauthorized(refusal)


def _check_unique_name(region: RegionState, account: str, name: str) -> None:
    image_id = region.names.get((account, name))
    if image_id is not None:
        raise Conflict("image_name_duplicate", name=name, image_id=image_id)


def _store(env: Env, region: RegionState, image: Image, account: str, tags: TagSpecs) -> Image:
    region.images[image.image_id] = image
    region.names[(image.owner, image.name)] = image.image_id
    region.grants.add(image)
    region.tags.put(image.image_id, account, tags.get("image", {}))
    for snapshot_id in image.snapshot_ids:
        snap = region.snapshots.get(snapshot_id)
        if snap is not None and snap.owner == account:
            region.tags.put(snapshot_id, account, tags.get("snapshot", {}))
    return image


# ---- register / create / copy ------------------------------------------------------------


def register_image(
    env: Env,
    region: RegionState,
    account: str,
    spec: ImageSpec,
    block_devices: list[BlockDevice],
    tags: TagSpecs,
    image_id: str | None = None,
) -> Image:
    """Register an AMI over the caller's snapshots; with no mappings, over a fresh snapshot."""
    spec.check()
    check_specs(tags, ["image"])
    _check_unique_name(region, account, spec.name)
    root = spec.root_device_name or (block_devices[0].device_name if block_devices else "/dev/xvda")
    devices = _checked_devices(env, region, account, block_devices)
    if not devices:
        devices = [BlockDevice(root)]
    if root not in {d.device_name for d in devices}:
        raise InvalidValue("root_device_not_mapped", root=root)
    if image_id is not None:
        image_id = resource_ids.check("image", image_id)
        if image_id in region.images:
            raise Conflict("image_id_taken", id=image_id)
    commit()
    devices = [_keyed(env, region, account, d) for d in devices]
    devices = [_backed(env, region, account, d) if d.device_name == root else d for d in devices]
    image = Image(
        image_id=image_id or env.ids.resource_id("ami"),
        owner=account,
        region=region.name,
        creation_date=env.now(),
        block_devices=devices,
        **{**spec.set_fields(), "root_device_name": root},
    )
    return _store(env, region, image, account, tags)


def _checked_devices(
    env: Env, region: RegionState, account: str, block_devices: list[BlockDevice]
) -> list[BlockDevice]:
    seen: set[str] = set()
    out = []
    for bd in block_devices:
        if not bd.device_name:
            raise InvalidValue("device_name_missing")
        if bd.device_name in seen:
            raise InvalidValue("device_name_duplicate", device=bd.device_name)
        seen.add(bd.device_name)
        if not bd.is_ebs:
            out.append(replace(bd, volume_type=None, encrypted=None, delete_on_termination=False))
            continue
        check_volume_type(bd.volume_type)
        if bd.snapshot_id:
            snap = own_snapshot(region, account, bd.snapshot_id)
            size = bd.volume_size if bd.volume_size is not None else snap.volume_size
            if size < snap.volume_size:
                raise InvalidValue(
                    "volume_smaller_than_snapshot", size=size, snapshot_size=snap.volume_size
                )
            check_stored_keys(env, [(snap.snapshot_id, snap.kms_key_id)], account, region.name)
            bd = replace(bd, volume_size=size, encrypted=snap.encrypted, kms_key_id=snap.kms_key_id)
        else:
            key = named_key(env, account, region.name, bd.encrypted, bd.kms_key_id)
            check_named_key(env, key, account, region.name)
            bd = replace(bd, kms_key_id=key)
        if bd.volume_size is not None:
            check_size(bd.volume_size)
        out.append(replace(bd, volume_type=bd.volume_type or "gp3", encrypted=bool(bd.encrypted)))
    return out


def _keyed(env: Env, region: RegionState, account: str, bd: BlockDevice) -> BlockDevice:
    """A new encrypted device (no snapshot yet) with no key named gets ``aws/ebs``."""
    if bd.snapshot_id or not bd.is_ebs:
        return bd
    return replace(
        bd, kms_key_id=key_for(env, account, region.name, bool(bd.encrypted), bd.kms_key_id)
    )


def _backed(env: Env, region: RegionState, account: str, root: BlockDevice) -> BlockDevice:
    """The root mapping, given a fresh snapshot when the caller named none (Name-only calls)."""
    if root.snapshot_id or not root.is_ebs:
        return root
    size = root.volume_size or DEFAULT_VOLUME_SIZE
    snap = new_snapshot(
        env,
        region,
        account,
        size=size,
        encrypted=bool(root.encrypted),
        kms_key_id=root.kms_key_id,
    )
    return replace(root, snapshot_id=snap.snapshot_id, volume_size=size)


def create_image(
    env: Env,
    region: RegionState,
    account: str,
    *,
    instance_id: str,
    name: str,
    description: str | None,
    tags: TagSpecs,
    block_devices: list[BlockDevice] | None = None,
) -> Image:
    """A new AMI owned by the caller, over new snapshots of its running or stopped
    instance's volumes (an instance launched from a shared AMI included). Mappings in the
    request change a volume's size, type or DeleteOnTermination, leave one out (NoDevice),
    or add an empty EBS volume or an instance store volume."""
    check_name(name)
    check_specs(tags, ["image", "snapshot"])
    instance = own_instance(env, region, account, instance_id)
    state = instance.state_at(env.now())
    if state not in ("running", "stopped"):
        raise Conflict("instance_state_incorrect", id=instance_id, state=state)
    _check_unique_name(region, account, name)
    source = region.images.get(instance.image_id)
    attached = {
        vol.device or instance.root_device_name: vol
        for vol in map(region.volumes.get, instance.volume_ids)
        if vol is not None and vol.instance_id == instance_id
    }
    overrides = _checked_image_overrides(block_devices or [], attached)
    kept = [vol for device, vol in attached.items() if device not in overrides.get(None, set())]
    check_stored_keys(env, [(v.volume_id, v.kms_key_id) for v in kept], account, region.name)
    commit()
    devices = []
    for vol in kept:
        device = vol.device or instance.root_device_name
        change = overrides.get(device)
        snap = snapshot_of(
            env, region, account, vol, f"Created by CreateImage({instance_id}) for ami"
        )
        devices.append(
            BlockDevice(
                device_name=device,
                snapshot_id=snap.snapshot_id,
                volume_size=(change.volume_size if change and change.volume_size else vol.size),
                volume_type=(
                    change.volume_type if change and change.volume_type else vol.volume_type
                ),
                delete_on_termination=(
                    change.delete_on_termination if change else vol.delete_on_termination
                ),
                encrypted=vol.encrypted,
                kms_key_id=vol.kms_key_id,
            )
        )
    devices.extend(overrides.get("new", []))
    inherited = _inheritable(source) if source is not None else {}
    image = Image(
        **{
            **inherited,
            "image_id": env.ids.resource_id("ami"),
            "owner": account,
            "region": region.name,
            "name": name,
            "description": description,
            "creation_date": env.now(),
            "root_device_name": instance.root_device_name,
            "architecture": instance.architecture,
            "block_devices": devices,
            "source_instance_id": instance_id,
            # The instance's AMI is the new image's parent (GetImageAncestry).
            "source_image_id": instance.image_id,
            "source_image_region": region.name,
        }
    )
    return _store(env, region, image, account, tags)


def _checked_image_overrides(block_devices: list[BlockDevice], attached: dict) -> dict:
    """CreateImage's mappings by what they do: device -> change of an attached volume,
    None -> devices left out, "new" -> added empty EBS or instance store mappings."""
    out: dict = {None: set(), "new": []}
    seen: set[str] = set()
    for bd in block_devices:
        if not bd.device_name:
            raise InvalidValue("device_name_missing")
        if bd.device_name in seen:
            raise InvalidValue("device_name_duplicate", device=bd.device_name)
        seen.add(bd.device_name)
        vol = attached.get(bd.device_name)
        if bd.no_device:
            out[None].add(bd.device_name)
        elif not bd.is_ebs:
            out["new"].append(
                replace(bd, volume_type=None, encrypted=None, delete_on_termination=False)
            )
        elif vol is not None:
            check_volume_type(bd.volume_type)
            if bd.volume_size is not None and bd.volume_size < vol.size:
                raise InvalidValue(
                    "volume_smaller_than_snapshot", size=bd.volume_size, snapshot_size=vol.size
                )
            out[bd.device_name] = bd
        else:
            check_volume_type(bd.volume_type)
            if bd.snapshot_id:
                raise InvalidValue(
                    "parameter_value_invalid", name="SnapshotId", value=bd.snapshot_id
                )
            check_size(bd.volume_size or DEFAULT_VOLUME_SIZE)
            out["new"].append(
                replace(
                    bd,
                    volume_size=bd.volume_size or DEFAULT_VOLUME_SIZE,
                    volume_type=bd.volume_type or "gp3",
                    encrypted=bool(bd.encrypted),
                    kms_key_id=None,
                )
            )
    return out


def _inheritable(source: Image) -> dict[str, object]:
    """Attributes a derived image keeps from its source; never identity, grants or history."""
    keep = {
        "virtualization_type",
        "hypervisor",
        "ena_support",
        "sriov_net_support",
        "imds_support",
        "boot_mode",
        "tpm_support",
        "uefi_data",
        "kernel_id",
        "ramdisk_id",
        "platform_details",
        "usage_operation",
        "architecture",
        "root_device_name",
        "root_device_type",
        "description",
    }
    return {name: getattr(source, name) for name in keep}


def copy_image(
    env: Env,
    source_region: RegionState,
    region: RegionState,
    account: str,
    *,
    source_image_id: str,
    name: str,
    description: str | None,
    encrypted: bool | None,
    kms_key_id: str | None,
    copy_tags: bool,
    tags: TagSpecs,
) -> Image:
    """Copy an image the caller can see into ``region``: a new private AMI the caller owns.

    A copy may be encrypted or re-keyed, never decrypted. Someone else's image needs its
    snapshots shared with the caller, and their keys usable by the caller.
    """
    check_specs(tags, ["image", "snapshot"])
    check_name(name)
    target_key = named_key(env, account, region.name, encrypted, kms_key_id)
    check_named_key(env, target_key, account, region.name)
    source = find_image(env, source_region, account, source_image_id, READ)
    _check_unique_name(region, account, name)
    for bd in source.block_devices:
        if bd.snapshot_id and bd.encrypted and encrypted is False:
            raise InvalidValue("unencrypted_copy_of_encrypted", snapshot=bd.snapshot_id)
    check_storage_readable(env, source_region, source, account)
    if source.owner == account:
        sources = [(bd.snapshot_id, bd.kms_key_id) for bd in source.block_devices if bd.encrypted]
        check_stored_keys(env, sources, account, source_region.name)
    commit()
    # The source key travels only while the copy stays with its owner in its Region.
    keeps_key = source.owner == account and source_region.name == region.name
    devices = []
    for bd in source.block_devices:
        if not bd.snapshot_id:
            devices.append(replace(bd))
            continue
        is_encrypted = bool(encrypted) or bool(bd.encrypted)
        key = target_key or (bd.kms_key_id if bd.encrypted and keeps_key else None)
        snap = new_snapshot(
            env,
            region,
            account,
            size=bd.volume_size or DEFAULT_VOLUME_SIZE,
            description=f"Copied for DestinationAmi from SourceAmi {source_image_id}",
            encrypted=is_encrypted,
            kms_key_id=key_for(env, account, region.name, is_encrypted, key),
        )
        if bd.encrypted and bd.kms_key_id != snap.kms_key_id:
            # The source snapshot's key opens the data the copy re-encrypts.
            record_key_grant(env, bd.kms_key_id, account, snap.snapshot_id)
        devices.append(
            replace(
                bd,
                snapshot_id=snap.snapshot_id,
                encrypted=is_encrypted,
                kms_key_id=snap.kms_key_id,
            )
        )
    image = Image(
        **{
            **_inheritable(source),
            "image_id": env.ids.resource_id("ami"),
            "owner": account,
            "region": region.name,
            "name": name,
            "description": description if description is not None else source.description,
            "creation_date": env.now(),
            "block_devices": devices,
            "source_image_id": source.image_id,
            "source_image_region": source_region.name,
        }
    )
    image_tags = source_region.tags.get(source.image_id, account) if copy_tags else {}
    merged = {**tags, "image": {**image_tags, **tags.get("image", {})}}
    return _store(env, region, image, account, merged)


def deregister_image(
    region: RegionState, env: Env, account: str, image_id: str, delete_snapshots: bool = False
) -> list[tuple[str, bool]]:
    """Deregister (owner only); optionally delete its snapshots no other image uses."""
    image = find_image(env, region, account, image_id, OWNER)
    refusal = env.authorize(AccessRequest(account, DEREGISTER_IMAGE, region.name, image)).refusal
    if refusal is not None:
        raise Conflict("image_deregistration_protected", id=image.image_id)
    commit()
    region.grants.remove(image)
    region.names.pop((image.owner, image.name), None)
    image.state = DEREGISTERED
    region.tags.drop(image_id)
    results = []
    if delete_snapshots:
        in_use = {
            s for i in region.images.values() if i.state != DEREGISTERED for s in i.snapshot_ids
        }
        for snapshot_id in image.snapshot_ids:
            ok = snapshot_id in region.snapshots and snapshot_id not in in_use
            if ok:
                del region.snapshots[snapshot_id]
                region.tags.drop(snapshot_id)
            results.append((snapshot_id, ok))
    return results


# ---- DescribeImages ----------------------------------------------------------------------


def _check_users(values: Iterable[str], words: set[str]) -> None:
    for value in values:
        if value not in words and not _ACCOUNT_RE.fullmatch(value):
            raise InvalidValue("user_id_malformed", value=value)


def describe_images(
    env: Env,
    region: RegionState,
    account: str,
    *,
    image_ids: Sequence[str] = (),
    owners: Sequence[str] = (),
    executable_users: Sequence[str] = (),
    filters: Sequence[Filter] = (),
    include_deprecated: bool = False,
    include_disabled: bool = False,
) -> list[Image]:
    """The images the caller asked for and may see, oldest first.

    Without ids the candidates come from the grant index (the caller's own path), so the cost
    follows what the caller can see, not the size of the Region. A disabled image is listed
    only with ``include_disabled`` (even when named by id); a deprecated one is left out of
    the listings of everyone but its owner, unless named by id or ``include_deprecated``.
    """
    _check_users(owners, {"self", *OWNER_ALIASES})
    _check_users(executable_users, {"self", "all"})
    check_identity(env, region, account, DESCRIBE_IMAGES, None)
    fields = {**IMAGE_FILTERS, "image-allowed": _allowed_field(env, region, account)}
    matches = FilterSet(filters, fields, lambda i: region.tags.get(i.image_id, account))
    membership = env.membership(account)
    owner_ids = {account if o == "self" else o for o in owners}
    users = {"self" if u == account else u for u in executable_users}

    # Plain values of the image-id and owner-id filters are lookups, not scans (every
    # filter is still checked on what they find).
    wanted_ids = matches.exact("image-id")
    wanted_owners = matches.exact("owner-id")
    if wanted_owners is not None:
        owners_indexed = owner_ids & wanted_owners if owner_ids else set(wanted_owners)
    else:
        owners_indexed = owner_ids

    if image_ids:
        candidates = _by_ids(env, region, account, image_ids)
    elif wanted_ids is not None:
        # Only what the index holds (available images), as a listing without ids shows.
        candidates = [
            image
            for image in map(region.images.get, wanted_ids)
            if image is not None and image.image_id in region.grants.by_owner.get(image.owner, ())
        ]
    else:
        ids: set[str] = set()
        if users:
            for user in users:
                if user == "self":
                    ids |= region.grants.granted_to(account, membership)
                elif user == "all":
                    ids |= region.grants.public
                else:
                    # Another account's id scopes the caller's own images only (the API
                    # reference: account ids "if you own the AMI(s)").
                    ids |= region.grants.named_account(user) & region.grants.owned_by(account)
        elif owners_indexed or wanted_owners is not None:
            for owner in owners_indexed:
                ids |= region.grants.by_owner.get(owner, set())
        else:
            ids = (
                region.grants.owned_by(account)
                | region.grants.public
                | region.grants.granted_to(account, membership)
            )
        candidates = [region.images[i] for i in ids]

    # The images shared with the named accounts, once: then each candidate costs O(1), not
    # O(number of ExecutableUsers).
    named = {i for u in users - {"self", "all"} for i in region.grants.by_account.get(u, ())}

    def executable(image: Image) -> bool:
        if image.owner == account and image.image_id in named:
            return True
        if "all" in users and image.public:
            return True
        return (
            "self" in users
            and image.owner != account
            and image.launch_permissions.match(account, membership) is not None
        )

    now = aws_time(env.clock())

    def listed(image: Image) -> bool:
        if image.state == DISABLED:
            return include_disabled
        deprecated = image.deprecation_time is not None and image.deprecation_time <= now
        return not deprecated or include_deprecated or bool(image_ids) or image.owner == account

    found = [
        image
        for image in candidates
        if listed(image)
        and env.authorize(AccessRequest(account, DESCRIBE_IMAGES, region.name, image)).allowed
        and (not owner_ids or image.owner in owner_ids)
        and (not users or executable(image))
        and matches(image)
    ]
    return sorted(found, key=image_order)


def _allowed_field(env: Env, region: RegionState, account: str) -> Callable[[Image], list[str]]:
    """The ``image-allowed`` filter for the caller: its Allowed AMIs verdict; while its
    settings are disabled nothing is restricted, so every image reads as allowed."""
    settings = allowed_images.settings_of(region.allowed_images, account, env.declarative(account))
    now = env.clock()
    return lambda i: [as_text(allowed_images.image_allowed(settings, i, account, now) is not False)]


def image_allowed(env: Env, region: RegionState, account: str, image: Image) -> bool | None:
    """DescribeImages' ``ImageAllowed`` for the caller: None (left out) while its Allowed AMIs
    settings are disabled."""
    settings = allowed_images.settings_of(region.allowed_images, account, env.declarative(account))
    return allowed_images.image_allowed(settings, image, account, env.clock())


def image_order(image: Image) -> str:
    return f"{image.creation_date}/{image.image_id}"


def seen_by(image: Image, account: str) -> Image:
    """The image as DescribeImages shows it to ``account``: when it was last launched is
    the owner's to know (as the lastLaunchedTime attribute is), since any account's launch
    sets it."""
    if image.owner == account or image.last_launched_time is None:
        return image
    return replace(image, last_launched_time=None)


def _by_ids(env: Env, region: RegionState, account: str, image_ids: Sequence[str]) -> list[Image]:
    ids = resource_ids.check_all("image", image_ids)
    found, missing = [], []
    for image_id in ids:
        try:
            found.append(find_image(env, region, account, image_id, READ))
        except Gone:
            # DescribeImages answers a recently deregistered id with nothing, not an error.
            continue
        except NotFound:
            missing.append(image_id)
    if missing:
        raise resource_ids.not_found("image", missing)
    return found


# ---- attributes --------------------------------------------------------------------------


def modify_launch_permissions(
    env: Env,
    region: RegionState,
    account: str,
    image_id: str,
    adds: list[Grant],
    removes: list[Grant],
) -> None:
    """Owner only; every entry valid or nothing changes; adds first, then removes."""
    image = find_image(env, region, account, image_id, OWNER)
    check_identity(env, region, account, MODIFY_IMAGE_ATTRIBUTE, image)
    updated = change(image.launch_permissions, adds, removes, env.config.max_launch_permissions)
    if adds and image.state == DISABLED:
        raise Conflict("image_disabled_not_shareable", id=image.image_id)
    if any(g.kind != GROUP for g in adds):
        check_shareable(env, image)
    if updated.public and not image.public:
        if image.encrypted:
            raise InvalidValue("encrypted_image_public")
        if bpa.state(env, region, account) == bpa.BLOCKED:
            message = bpa.exception_message(env, account)
            if message is not None:
                raise InvalidValue("public_sharing_blocked_by_policy", message=message)
            raise InvalidValue("public_sharing_blocked")
    commit()
    set_launch_permissions(region, image, updated.entries)


def add_grants(env: Env, region: RegionState, image_id: str, grants: list[Grant]) -> None:
    """Scenario loading: add entries to an image without an owner's request."""
    for grant in grants:
        validate(grant)
    image = region.images[image_id]
    if any(g.kind != GROUP for g in grants):
        check_shareable(env, image)
    if image.encrypted and Grant(GROUP, "all") in grants:
        raise InvalidValue("encrypted_image_public")
    set_launch_permissions(region, image, image.launch_permissions.applied(grants, []).entries)


def set_launch_permissions(region: RegionState, image: Image, entries: list[Grant]) -> None:
    """Replace an image's entries, keeping the grant index in step."""
    region.grants.remove(image)
    image.launch_permissions = replace(image.launch_permissions, entries=list(entries))
    region.grants.add(image)


def modify_image_attribute(
    env: Env, region: RegionState, account: str, image_id: str, attribute: str, value: str
) -> None:
    """``description`` or ``imdsSupport`` (launch permissions have their own call)."""
    image = find_image(env, region, account, image_id, OWNER)
    check_identity(env, region, account, MODIFY_IMAGE_ATTRIBUTE, image)
    if attribute == "imdsSupport":
        _one_of("imdsSupport", value, {"v2.0"})
    elif attribute != "description":
        raise InvalidValue("attribute_unknown", attribute=attribute)
    commit()
    if attribute == "description":
        image.description = value
    else:
        image.imds_support = value


def image_attribute(
    env: Env, region: RegionState, account: str, image_id: str, attribute: str
) -> Image:
    """The image whose ``attribute`` the owner asks for; blockDeviceMapping is refused."""
    if attribute not in DESCRIBABLE_ATTRIBUTES:
        raise InvalidValue("attribute_unknown", attribute=attribute)
    image = find_image(env, region, account, image_id, OWNER)
    if attribute == "blockDeviceMapping":
        raise NotAuthorized("restricted_resource")
    return image


def reset_image_attribute(
    env: Env, region: RegionState, account: str, image_id: str, attribute: str
) -> None:
    """Only ``launchPermission``: removes public, account, organization and OU grants."""
    if attribute != "launchPermission":
        raise InvalidValue("attribute_unknown", attribute=attribute)
    image = find_image(env, region, account, image_id, OWNER)
    commit()
    set_launch_permissions(region, image, [])
