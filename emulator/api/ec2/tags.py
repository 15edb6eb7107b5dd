"""CreateTags, DeleteTags, DescribeTags: every account sees and changes only its own tags."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2.params import filters, paged, required, tag_map
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2 import tagging


@operation("ec2", "CreateTags")
def create_tags(call: Call, params: dict[str, Any]) -> None:
    """Tags images the caller can see (including shared ones) and its own snapshots, volumes and
    instances; tags belong to the tagging account.
    """
    with writing(call) as (env, region):
        tagging.create_tags(
            env,
            region,
            call.account,
            required(params, "Resources"),
            tag_map(required(params, "Tags")),
        )


@operation("ec2", "DeleteTags")
def delete_tags(call: Call, params: dict[str, Any]) -> None:
    """Deletes the caller's own tags (by key, by key and value, or all) on the given resources."""
    tags = params.get("Tags")
    keys = None if tags is None else [(t.get("Key") or "", t.get("Value")) for t in tags]
    with writing(call) as (env, region):
        tagging.delete_tags(env, region, call.account, required(params, "Resources"), keys)


@operation("ec2", "DescribeTags")
def describe_tags(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's own tags in the calling Region, with resource-id, resource-type, key, value and
    tag: filters.
    """
    _, region = reading(call)
    rows = tagging.describe_tags(region, call.account, filters(params))
    return paged(
        params,
        "Tags",
        rows,
        lambda r: f"{r.resource_id}/{r.key}",
        lambda r: {
            "ResourceId": r.resource_id,
            "ResourceType": r.resource_type,
            "Key": r.key,
            "Value": r.value,
        },
    )
