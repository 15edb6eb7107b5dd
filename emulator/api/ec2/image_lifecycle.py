"""AMI lifecycle operations: deprecation, disabling, protection, shares, references, ancestry."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2.params import paged, required
from emulator.api.ec2.region import reading, writing
from emulator.api.ec2.shapes import timestamp
from emulator.api.registry import Call, operation
from emulator.core.ec2.images import lifecycle
from emulator.core.ec2.images.references import (
    TypeQuery,
    image_references,
    reference_order,
)


@operation("ec2", "EnableImageDeprecation")
def enable_image_deprecation(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only. DeprecateAt is rounded to the nearest minute; not in the past, at most 10
    years ahead (2 years after creation for a public AMI); deprecation is reached on the
    emulator's clock.
    """
    with writing(call) as (env, region):
        lifecycle.enable_image_deprecation(
            env, region, call.account, required(params, "ImageId"), required(params, "DeprecateAt")
        )
    return {"Return": True}


@operation("ec2", "DisableImageDeprecation")
def disable_image_deprecation(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only: cancels the deprecation; DeprecationTime leaves DescribeImages."""
    with writing(call) as (env, region):
        lifecycle.disable_image_deprecation(env, region, call.account, required(params, "ImageId"))
    return {"Return": True}


@operation("ec2", "DisableImage")
def disable_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only: state disabled, every launch permission removed (public, accounts,
    organizations, OUs); nobody launches it, only the owner sees it (IncludeDisabled).
    """
    with writing(call) as (env, region):
        lifecycle.disable_image(env, region, call.account, required(params, "ImageId"))
    return {"Return": True}


@operation("ec2", "EnableImage")
def enable_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only: available again and private; the removed grants are not restored."""
    with writing(call) as (env, region):
        lifecycle.enable_image(env, region, call.account, required(params, "ImageId"))
    return {"Return": True}


@operation("ec2", "EnableImageDeregistrationProtection")
def enable_image_deregistration_protection(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only: DeregisterImage is refused; WithCooldown keeps it refused for 24 hours of
    emulator time after the protection is lifted. Return is the new state.
    """
    with writing(call) as (env, region):
        state = lifecycle.enable_protection(
            env,
            region,
            call.account,
            required(params, "ImageId"),
            bool(params.get("WithCooldown")),
        )
    return {"Return": state}


@operation("ec2", "DisableImageDeregistrationProtection")
def disable_image_deregistration_protection(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only. Return is the new state: disabled, or disabled-until the end of the 24-hour
    cooldown of a protection enabled WithCooldown.
    """
    with writing(call) as (env, region):
        state = lifecycle.disable_protection(env, region, call.account, required(params, "ImageId"))
    return {"Return": state}


@operation("ec2", "CancelImageLaunchPermission")
def cancel_image_launch_permission(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller removes its own account from an AMI shared with it by account id; an AMI
    reaching it through an organization, an OU or public, and its own AMIs, are refused.
    """
    with writing(call) as (env, region):
        lifecycle.cancel_launch_permission(env, region, call.account, required(params, "ImageId"))
    return {"Return": True}


def _type_queries(params: dict[str, Any]) -> list[TypeQuery]:
    return [
        TypeQuery(
            entry.get("ResourceType") or "",
            {
                option.get("OptionName") or "": list(option.get("OptionValues") or [])
                for option in entry.get("ResourceTypeOptions") or []
            },
        )
        for entry in params.get("ResourceTypes") or []
    ]


@operation("ec2", "DescribeImageReferences")
def describe_image_references(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's instances in the Region launched from the given images (state-name option);
    launch templates, Systems Manager parameters and Image Builder recipes are not held by the
    emulator and answer none. Paged.
    """
    env, region = reading(call)
    found = image_references(
        env,
        region,
        call.account,
        required(params, "ImageIds"),
        include_all=bool(params.get("IncludeAllResourceTypes")),
        types=_type_queries(params),
    )
    return paged(
        params,
        "ImageReferences",
        found,
        reference_order,
        lambda r: {"ImageId": r.image_id, "ResourceType": r.resource_type, "Arn": r.arn},
        (5, 1000),
    )


@operation("ec2", "GetImageAncestry")
def get_image_ancestry(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The image, then the source it was copied (CopyImage) or created from (CreateImage, the
    instance's AMI), and so on to an image with no recorded source.
    """
    env, region = reading(call)
    chain = lifecycle.image_ancestry(
        env, region, call.world.ec2.read, call.account, required(params, "ImageId")
    )
    return {
        "ImageAncestryEntries": [
            {
                "ImageId": image.image_id,
                "CreationDate": timestamp(image.creation_date),
                "SourceImageId": image.source_image_id,
                "SourceImageRegion": image.source_image_region,
            }
            for image in chain
        ]
    }
