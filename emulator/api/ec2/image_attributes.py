"""ModifyImageAttribute, DescribeImageAttribute, ResetImageAttribute and AMI block public access."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2.params import apply_operation_type, attribute_name, required
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.launch_permissions import GROUP, ORG, OU, USER, Grant
from emulator.core.ec2.images.lifecycle import protection_shown
from emulator.core.ec2.images.records import Image
from emulator.core.errors import InvalidValue

MODIFIABLE = {"description", "imdsSupport", "launchPermission"}
# Legacy flat-form lists and structured-form keys, by grant kind.
_FLAT_LISTS = {
    "UserIds": USER,
    "UserGroups": GROUP,
    "OrganizationArns": ORG,
    "OrganizationalUnitArns": OU,
}
_ENTRY_KEYS = {"UserId": USER, "Group": GROUP, "OrganizationArn": ORG, "OrganizationalUnitArn": OU}
_OUTPUT_KEYS = {kind: key for key, kind in _ENTRY_KEYS.items()}


def _entries(items: list[dict[str, Any]] | None) -> list[Grant]:
    return [
        Grant(kind, item[key])
        for item in items or []
        for key, kind in _ENTRY_KEYS.items()
        if key in item
    ]


def _flat_entries(params: dict[str, Any]) -> list[Grant]:
    return [
        Grant(kind, v) for member, kind in _FLAT_LISTS.items() for v in params.get(member) or []
    ]


def _requested(params: dict[str, Any]) -> set[str]:
    """Which attributes the request asks to change, in either form."""
    attribute = attribute_name(params, MODIFIABLE)
    if attribute is not None and attribute not in MODIFIABLE:
        raise InvalidValue("attribute_unknown", attribute=attribute)
    structured = params.get("LaunchPermission") or {}
    wanted = {attribute} if attribute else set()
    if structured.get("Add") or structured.get("Remove") or _flat_entries(params):
        wanted.add("launchPermission")
    if params.get("Description") is not None:
        wanted.add("description")
    if params.get("ImdsSupport") is not None:
        wanted.add("imdsSupport")
    if not wanted:
        raise InvalidValue("no_attributes")
    if len(wanted) > 1:
        raise InvalidValue("one_attribute_only")
    return wanted


def _launch_permission_change(params: dict[str, Any]) -> tuple[list[Grant], list[Grant]]:
    structured = params.get("LaunchPermission") or {}
    adds, removes = _entries(structured.get("Add")), _entries(structured.get("Remove"))
    flat = _flat_entries(params)
    apply_operation_type(params, flat, adds, removes)
    if not adds and not removes:
        raise InvalidValue("missing_parameter", name="LaunchPermission")
    return adds, removes


@operation("ec2", "ModifyImageAttribute")
def modify_image_attribute(call: Call, params: dict[str, Any]) -> None:
    """Owner only. launchPermission in both request forms (UserId, Group all, OrganizationArn,
    OrganizationalUnitArn; validated all or nothing, adds then removes), description and
    imdsSupport; making an image public respects block public access; images under the aws/ebs
    key cannot be shared, encrypted images cannot be public.
    """
    image_id = required(params, "ImageId")
    (attribute,) = _requested(params)
    if attribute == "launchPermission":
        adds, removes = _launch_permission_change(params)
        with writing(call) as (env, region):
            catalog.modify_launch_permissions(env, region, call.account, image_id, adds, removes)
        return
    structured = params.get("Description" if attribute == "description" else "ImdsSupport")
    value = structured.get("Value") if structured is not None else params.get("Value")
    if value is None:
        raise InvalidValue("missing_parameter", name="Value")
    with writing(call) as (env, region):
        catalog.modify_image_attribute(env, region, call.account, image_id, attribute, value)


def _value(value: str | None) -> dict[str, str]:
    return {"Value": value} if value is not None else {}


def _attribute_output(image: Image, attribute: str, protection: str) -> dict[str, Any]:
    if attribute == "launchPermission":
        return {
            "LaunchPermissions": [
                {_OUTPUT_KEYS[g.kind]: g.value} for g in image.launch_permissions.entries
            ]
        }
    if attribute == "productCodes":
        return {"ProductCodes": []}
    member, value = {
        "description": ("Description", image.description),
        "kernel": ("KernelId", image.kernel_id),
        "ramdisk": ("RamdiskId", image.ramdisk_id),
        "sriovNetSupport": ("SriovNetSupport", image.sriov_net_support),
        "bootMode": ("BootMode", image.boot_mode),
        "tpmSupport": ("TpmSupport", image.tpm_support),
        "uefiData": ("UefiData", image.uefi_data),
        "lastLaunchedTime": ("LastLaunchedTime", image.last_launched_time),
        "imdsSupport": ("ImdsSupport", image.imds_support),
        "deregistrationProtection": ("DeregistrationProtection", protection),
    }[attribute]
    return {member: _value(value)}


@operation("ec2", "DescribeImageAttribute")
def describe_image_attribute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only. Every attribute of the model; launchPermission lists the explicit entries only;
    blockDeviceMapping answers AuthFailure as AWS does.
    """
    attribute = attribute_name(params, catalog.DESCRIBABLE_ATTRIBUTES, needed=True)
    env, region = reading(call)
    image = catalog.image_attribute(
        env, region, call.account, required(params, "ImageId"), attribute
    )
    protection = protection_shown(image, env.clock())
    return {"ImageId": image.image_id, **_attribute_output(image, attribute, protection)}


@operation("ec2", "ResetImageAttribute")
def reset_image_attribute(call: Call, params: dict[str, Any]) -> None:
    """Owner only. launchPermission: removes public, account, organization and OU grants; the owner
    keeps access.
    """
    attribute = attribute_name(params, catalog.DESCRIBABLE_ATTRIBUTES, needed=True)
    with writing(call) as (env, region):
        catalog.reset_image_attribute(
            env, region, call.account, required(params, "ImageId"), attribute
        )


@operation("ec2", "EnableImageBlockPublicAccess")
def enable_image_block_public_access(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Blocks new public sharing of AMIs for the calling account in the calling Region, at once."""
    requested = required(params, "ImageBlockPublicAccessState")
    with writing(call) as (env, region):
        return {"ImageBlockPublicAccessState": bpa.enable(env, region, call.account, requested)}


@operation("ec2", "DisableImageBlockPublicAccess")
def disable_image_block_public_access(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Unblocks public sharing of AMIs for the calling account in the calling Region, at once."""
    with writing(call) as (env, region):
        return {"ImageBlockPublicAccessState": bpa.disable(env, region, call.account)}


@operation("ec2", "GetImageBlockPublicAccessState")
def get_image_block_public_access_state(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The calling account's block public access state for AMIs in the calling Region (default
    configurable).
    """
    env, region = reading(call)
    return {
        "ImageBlockPublicAccessState": bpa.state(env, region, call.account),
        "ManagedBy": bpa.managed_by(env, call.account),
    }
