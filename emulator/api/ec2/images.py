"""RegisterImage, CreateImage, CopyImage, DeregisterImage, DescribeImages."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import shapes
from emulator.api.ec2.params import block_devices, filters, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.regions import is_known
from emulator.api.registry import Call, operation
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec, image_order, seen_by
from emulator.core.ec2.images.lifecycle import protection_shown
from emulator.core.errors import InvalidValue


@operation("ec2", "RegisterImage")
def register_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Registers an AMI over the caller's own snapshots (block device mappings); a Name-only call
    backs it with a fresh 8 GiB snapshot. Names are unique per account and Region.
    """
    spec = ImageSpec(
        name=required(params, "Name"),
        description=params.get("Description"),
        architecture=params.get("Architecture"),
        root_device_name=params.get("RootDeviceName"),
        virtualization_type=params.get("VirtualizationType"),
        ena_support=params.get("EnaSupport"),
        sriov_net_support=params.get("SriovNetSupport"),
        imds_support=params.get("ImdsSupport"),
        boot_mode=params.get("BootMode"),
        tpm_support=params.get("TpmSupport"),
        uefi_data=params.get("UefiData"),
        kernel_id=params.get("KernelId"),
        ramdisk_id=params.get("RamdiskId"),
        image_location=params.get("ImageLocation"),
    )
    with writing(call) as (env, region):
        image = catalog.register_image(
            env,
            region,
            call.account,
            spec,
            block_devices(params.get("BlockDeviceMappings")),
            tag_specs(params),
        )
    return {"ImageId": image.image_id}


@operation("ec2", "CreateImage")
def create_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Makes a new AMI owned by the caller from its running or stopped instance, over new
    snapshots of the instance's volumes (BlockDeviceMappings change, add or leave out devices;
    NoReboot changes nothing here); works for instances launched from shared AMIs.
    """
    with writing(call) as (env, region):
        image = catalog.create_image(
            env,
            region,
            call.account,
            instance_id=required(params, "InstanceId"),
            name=required(params, "Name"),
            description=params.get("Description"),
            tags=tag_specs(params),
            block_devices=block_devices(params.get("BlockDeviceMappings")),
        )
    return {"ImageId": image.image_id}


@operation("ec2", "CopyImage")
def copy_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Copies an AMI the caller can see from SourceRegion into the calling Region: new id, private,
    owned by the caller; Encrypted/KmsKeyId encrypt or re-key, never decrypt; another account's
    AMI needs its snapshots shared with the caller and their keys usable; CopyImageTags copies
    only the caller's own tags.
    """
    source_region = required(params, "SourceRegion")
    if not is_known(source_region, call.world.config):
        raise InvalidValue("parameter_value_invalid", name="SourceRegion", value=source_region)
    with writing(call) as (env, region):
        image = catalog.copy_image(
            env,
            call.world.ec2.read(source_region),
            region,
            call.account,
            source_image_id=required(params, "SourceImageId"),
            name=required(params, "Name"),
            description=params.get("Description"),
            encrypted=params.get("Encrypted"),
            kms_key_id=params.get("KmsKeyId"),
            copy_tags=bool(params.get("CopyImageTags")),
            tags=tag_specs(params),
        )
    return {"ImageId": image.image_id}


@operation("ec2", "DeregisterImage")
def deregister_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only. Later calls by id answer InvalidAMIID.Unavailable to the owner (DescribeImages
    by id answers nothing) and InvalidAMIID.NotFound to others; DeleteAssociatedSnapshots
    deletes unused snapshots.
    """
    with writing(call) as (env, region):
        results = catalog.deregister_image(
            region,
            env,
            call.account,
            required(params, "ImageId"),
            bool(params.get("DeleteAssociatedSnapshots")),
        )
    out: dict[str, Any] = {"Return": True}
    if params.get("DeleteAssociatedSnapshots"):
        out["DeleteSnapshotResults"] = [
            {"SnapshotId": sid, "ReturnCode": "success" if ok else "error-generic"}
            for sid, ok in results
        ]
    return out


@operation("ec2", "DescribeImages")
def describe_images(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Images the caller may see: owned, public, or shared by account, organization or an OU on its
    current path; ImageIds (all or error), Owners, ExecutableUsers (self / account / all),
    wildcard Filters including the caller's own tags, paging; deprecated images are left out of
    others' listings unless named by id or IncludeDeprecated, disabled ones unless IncludeDisabled.
    The caller's Allowed AMIs hide what they refuse when enabled; ImageAllowed and the
    image-allowed filter report them.
    """
    env, region = reading(call)
    images = catalog.describe_images(
        env,
        region,
        call.account,
        image_ids=params.get("ImageIds") or [],
        owners=params.get("Owners") or [],
        executable_users=params.get("ExecutableUsers") or [],
        filters=filters(params),
        include_deprecated=bool(params.get("IncludeDeprecated")),
        include_disabled=bool(params.get("IncludeDisabled")),
    )
    now = env.clock()
    return paged(
        params,
        "Images",
        images,
        image_order,
        lambda i: shapes.image(
            seen_by(i, call.account),
            region.tags.get(i.image_id, call.account),
            catalog.image_allowed(env, region, call.account, i),
            protection_shown(i, now),
        ),
        (1, 1000),
    )
