"""DescribeImageReferences: the caller's resources that reference given images.

One finder per resource type the emulator holds (instances, launch templates); a type it
does not hold (Systems Manager parameters, Image Builder recipes) answers nothing.
A new kind of resource is one more entry in ``FINDERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from emulator.core.ec2 import resource_ids
from emulator.core.ec2.instances.records import STATE_CODES
from emulator.core.ec2.region import Env, RegionState
from emulator.core.errors import InvalidValue

INSTANCE = "ec2:Instance"
LAUNCH_TEMPLATE = "ec2:LaunchTemplate"
RESOURCE_TYPES = (
    INSTANCE,
    LAUNCH_TEMPLATE,
    "ssm:Parameter",
    "imagebuilder:ImageRecipe",
    "imagebuilder:ContainerRecipe",
)
# Each type's one option, and what its values may be (the API reference).
STATE_NAMES = frozenset(
    {"pending", "running", "shutting-down", "terminated", "stopping", "stopped"}
)
OPTIONS = {INSTANCE: "state-name", LAUNCH_TEMPLATE: "version-depth"}
MAX_VERSION_DEPTH = 10_000
DEFAULT_VERSION_DEPTH = 20


@dataclass(frozen=True)
class Reference:
    image_id: str
    resource_type: str
    arn: str


@dataclass
class TypeQuery:
    """One entry of ``ResourceTypes``: the type and its options by name."""

    resource_type: str
    options: dict[str, list[str]] = field(default_factory=dict)


Finder = Callable[[Env, RegionState, str, set[str], dict[str, list[str]]], list[Reference]]


def _instances(
    env: Env, region: RegionState, account: str, image_ids: set[str], options: dict[str, list[str]]
) -> list[Reference]:
    """The caller's instances launched from the images, in the states asked for (all by
    default): one pass over the Region's instances."""
    states = set(options.get("state-name") or STATE_CODES)
    partition = env.keys.partition(region.name)
    return [
        Reference(
            inst.image_id,
            INSTANCE,
            f"arn:{partition}:ec2:{region.name}:{account}:instance/{inst.instance_id}",
        )
        for inst in region.instances.values()
        if inst.owner == account and inst.image_id in image_ids and inst.state in states
    ]


def _launch_templates(
    env: Env, region: RegionState, account: str, image_ids: set[str], options: dict[str, list[str]]
) -> list[Reference]:
    """The caller's launch templates whose ``version-depth`` most recent versions (20 by
    default) name one of the images, one reference per template and image."""
    depth = int((options.get("version-depth") or [DEFAULT_VERSION_DEPTH])[0])
    partition = env.keys.partition(region.name)
    return [
        Reference(
            image_id,
            LAUNCH_TEMPLATE,
            f"arn:{partition}:ec2:{region.name}:{account}:launch-template/{t.template_id}",
        )
        for t in region.launch_templates.values()
        if t.owner == account
        for image_id in sorted(t.images(depth) & image_ids)
    ]


FINDERS: dict[str, Finder] = {INSTANCE: _instances, LAUNCH_TEMPLATE: _launch_templates}


def _checked(query: TypeQuery) -> TypeQuery:
    if query.resource_type not in RESOURCE_TYPES:
        raise InvalidValue(
            "image_reference_option_invalid", name="ResourceType", value=query.resource_type
        )
    wanted = OPTIONS.get(query.resource_type)
    for name, values in query.options.items():
        if name != wanted:
            raise InvalidValue("image_reference_option_invalid", name="OptionName", value=name)
        for value in values:
            if name == "state-name" and value not in STATE_NAMES:
                raise InvalidValue("image_reference_option_invalid", name="state-name", value=value)
            if name == "version-depth" and not (
                value.isdigit() and 1 <= int(value) <= MAX_VERSION_DEPTH
            ):
                raise InvalidValue(
                    "image_reference_option_invalid", name="version-depth", value=value
                )
    return query


def image_references(
    env: Env,
    region: RegionState,
    account: str,
    image_ids: Sequence[str],
    *,
    include_all: bool,
    types: Sequence[TypeQuery],
) -> list[Reference]:
    """The caller's own resources in the Region referencing any of ``image_ids``, by type
    then id. Ids must be well formed; an id of no image, or of one the caller no longer
    sees, is no error (what references it is still the caller's)."""
    ids = set(resource_ids.check_all("image", image_ids))
    queries = [_checked(q) for q in types]
    if not include_all and not queries:
        raise InvalidValue("image_reference_types_missing")
    chosen = {q.resource_type: q.options for q in queries}
    if include_all:
        chosen = {t: chosen.get(t, {}) for t in RESOURCE_TYPES}
    found: list[Reference] = []
    for resource_type, options in chosen.items():
        finder = FINDERS.get(resource_type)
        if finder is not None:
            found += finder(env, region, account, ids, options)
    return sorted(found, key=reference_order)


def reference_order(ref: Reference) -> str:
    return f"{ref.resource_type}/{ref.arn}/{ref.image_id}"
