"""Scenarios: a whole world described as plain data, built in one go, and dumped back.

One schema serves hand-written files (YAML or JSON, read at the edge), the built-in demo
world and ``ami-emulator dump``. Building is all or nothing: it happens in a fresh World,
and the first problem is reported with the path of the bad key
(``organizations[0].ous[1].name``), which the file reader turns into a line number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from emulator.core.clock import WorldClock, iso, parse_time
from emulator.core.ec2 import tagging
from emulator.core.ec2.images import allowed_images, catalog, lifecycle
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.launch_permissions import GROUP, ORG, OU, USER, Grant
from emulator.core.ec2.images.records import (
    DEREGISTERED,
    DISABLED,
    PROTECTION_COOLDOWN,
    PROTECTION_OFF,
    PROTECTIONS,
    BlockDevice,
    aws_time,
)
from emulator.core.ec2.instances.lifecycle import MAX_TRANSITION_SECONDS
from emulator.core.ec2.keypairs import operations as key_pairs
from emulator.core.ec2.launch_templates import operations as templates
from emulator.core.ec2.network import operations as network
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.operations import snapshot_without_volume
from emulator.core.errors import CoreError
from emulator.core.iam.directory import ORG_ACCESS_ROLE, is_generated_org_role
from emulator.core.iam.managed import aws_managed_policies
from emulator.core.kms.records import AWS_EBS_ALIAS, CUSTOMER, ENABLED, KEY_ID, key_arn
from emulator.core.organizations.policies.records import FULL_AWS_ACCESS_ID, SCP
from emulator.core.snapshots.form import REGION_NAME
from emulator.core.snapshots.schema import DocumentError, at, check_bounds
from emulator.core.world import World, WorldConfig

SCHEMA_VERSION = 1
ACCOUNT = re.compile(r"^\d{12}$")
BPA_STATES = ("unblocked", "block-new-sharing")

TOP_KEYS = {
    "version",
    "settings",
    "access_keys",
    "organizations",
    "keys",
    "images",
    "block_public_access",
    "allowed_images",
    "clock",
    "key_pairs",
    "vpcs",
    "launch_templates",
    "iam",
}
SETTINGS_KEYS = {
    "default_account",
    "default_region",
    "block_public_access",
    "max_launch_permissions",
    "extra_regions",
    "transition_seconds",
}
ORG_KEYS = {
    "id",
    "root_id",
    "management_account",
    "feature_set",
    "accounts",
    "ous",
    "policy_types",
    "policies",
}
ORG_POLICY_KEYS = {"id", "name", "type", "description", "content", "targets"}
OU_KEYS = {"id", "name", "accounts", "ous"}
ACCOUNT_KEYS = {"id", "name", "email"}
IMAGE_KEYS = {
    "id",
    "owner",
    "region",
    "name",
    "description",
    "architecture",
    "root_device_name",
    "block_devices",
    "launch_permissions",
    "tags",
    "tags_by_account",
    "deprecation_time",
    "disabled",
    "deregistration_protection",
}
DEVICE_KEYS = {
    "device_name",
    "volume_size",
    "volume_type",
    "encrypted",
    "kms_key_id",
    "delete_on_termination",
}
GRANT_KEYS = {"public", "accounts", "organizations", "organizational_units"}
KMS_KEY_KEYS = {
    "id",
    "account",
    "region",
    "description",
    "aliases",
    "policy",
    "enabled",
    "grants",
}
KMS_GRANT_KEYS = {"grantee", "operations", "retiring", "constraints", "name"}
GRANT_CONSTRAINTS = ("EncryptionContextEquals", "EncryptionContextSubset")
BPA_KEYS = {"account", "region", "state"}
ALLOWED_IMAGES_KEYS = {"account", "region", "state", "criteria", "managed_by"}
CRITERION_KEYS = {
    "image_providers",
    "image_names",
    "marketplace_product_codes",
    "max_days_since_created",
    "max_days_since_deprecated",
    "image_watermarks",
    "scan_result_condition",
}
WATERMARK_KEYS = {
    "watermark_key",
    "source_image_region",
    "max_days_since_source_image_created",
    "max_days_since_watermark_created",
}
FIX_KEYS = {f"max_days_since_{s}_fix_available": s for s in allowed_images.SEVERITIES}
SCAN_KEYS = {"max_days_since_last_finding_scan", "maximum_severity_label", *FIX_KEYS}
KEY_PAIR_KEYS = {"account", "region", "name", "public_key", "tags"}
VPC_KEYS = {"account", "region", "cidr_block", "tags", "subnets"}
SUBNET_KEYS = {"cidr_block", "availability_zone", "tags"}
LAUNCH_TEMPLATE_KEYS = {"account", "region", "name", "versions", "default_version", "tags"}
TEMPLATE_VERSION_KEYS = {"description", "data"}
IAM_KEYS = {"account", "users", "roles", "policies"}
IAM_USER_KEYS = {"name", "path", "policies", "attached"}
IAM_ROLE_KEYS = {
    "name",
    "path",
    "trust_policy",
    "description",
    "max_session_duration",
    "policies",
    "attached",
}
IAM_POLICY_KEYS = {"name", "path", "document", "description"}


class ScenarioError(DocumentError):
    """A scenario that cannot be built; ``path`` names the offending key."""


# ---------------------------------------------------------------- reading plain data


def _mapping(value: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(path, f"expected a mapping, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            raise ScenarioError(
                at(path, str(key)), f"unknown key (expected one of: {', '.join(sorted(allowed))})"
            )
    for key in required:
        if value.get(key) is None:
            raise ScenarioError(at(path, key), "required key is missing")
    return value


def _list(value: Any, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError(path, f"expected a list, got {type(value).__name__}")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise ScenarioError(path, f"expected a non-empty string, got {value!r}")
    return value


def _optional_text(value: Any, path: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ScenarioError(path, f"expected a string, got {value!r}")
    return value


def _region(value: Any, path: str) -> str:
    try:
        REGION_NAME.check(value, path)
    except DocumentError as err:
        raise ScenarioError(err.path, err.message) from None
    return value


def _account(value: Any, path: str) -> str:
    # YAML reads an unquoted 123456789012 as a number; accept it as the account it names.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        value = f"{value:012d}"
    if not isinstance(value, str) or not ACCOUNT.match(value):
        raise ScenarioError(path, f"expected a 12-digit account id, got {value!r}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(path, f"expected true or false, got {value!r}")
    return value


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScenarioError(path, f"expected a positive whole number, got {value!r}")
    return value


def _tags(value: Any, path: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(path, "expected a mapping of tag keys to values")
    return {_text(k, at(path, str(k))): "" if v is None else str(v) for k, v in value.items()}


def _core(path: str, step: Callable[[], Any]) -> Any:
    """Run one building step; a rule the core enforces is reported at ``path``."""
    try:
        return step()
    except CoreError as err:
        detail = ", ".join(f"{k}={v}" for k, v in err.details.items())
        raise ScenarioError(
            path, f"{err.reason.replace('_', ' ')}{f' ({detail})' if detail else ''}"
        ) from None


# ---------------------------------------------------------------- building


def build(data: Any, world: World | None = None) -> World:
    """A new World holding what ``data`` describes (``world`` lends its ids and clock)."""
    try:
        # First, so that no step below can recurse through a cyclic or absurdly deep document.
        check_bounds(data)
    except DocumentError as err:
        raise ScenarioError(err.path, err.message) from None
    top = _mapping(data if data is not None else {}, "", TOP_KEYS)
    version = top.get("version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ScenarioError(
            "version",
            f"unsupported version {version!r} (this emulator reads version {SCHEMA_VERSION})",
        )
    config = _config(top)
    iam_entries = _list(top.get("iam"), "iam")
    # Built with the ids, real time and partitions of the world it is loaded into: the key
    # ARNs it writes name that world's partitions. Its clock is its own, at the scenario's
    # ``clock`` (real time without one), set before anything is made so that creation dates
    # read it; loading the built world moves the target's clock there.
    clock = WorldClock(world.clock.source) if world else WorldClock()
    if top.get("clock") is not None:
        clock.move_to(_time(top["clock"], "clock"), frozen=False)
    fresh = (
        World(config=config, ids=world.ids, clock=clock, partition_of=world.partition_of)
        if world
        else World(config=config, clock=clock)
    )
    # IAM first: a role the scenario writes out (say the org role, changed) is the one kept.
    _iam(fresh, iam_entries)
    for i, org in enumerate(_list(top.get("organizations"), "organizations")):
        _organization(fresh, org, at("organizations", i))
    _keys(fresh, _list(top.get("keys"), "keys"))
    for i, image in enumerate(_list(top.get("images"), "images")):
        _image(fresh, image, at("images", i))
    for i, entry in enumerate(_list(top.get("block_public_access"), "block_public_access")):
        _bpa(fresh, entry, at("block_public_access", i))
    for i, entry in enumerate(_list(top.get("allowed_images"), "allowed_images")):
        _allowed_images(fresh, entry, at("allowed_images", i))
    for i, entry in enumerate(_list(top.get("key_pairs"), "key_pairs")):
        _key_pair(fresh, entry, at("key_pairs", i))
    for i, entry in enumerate(_list(top.get("vpcs"), "vpcs")):
        _vpc(fresh, entry, at("vpcs", i))
    for i, entry in enumerate(_list(top.get("launch_templates"), "launch_templates")):
        _launch_template(fresh, entry, at("launch_templates", i))
    # Policies last: an account's own settings a declarative policy now manages were made
    # before it was attached, as in AWS.
    for i, org in enumerate(_list(top.get("organizations"), "organizations")):
        _org_policies(fresh, org, at("organizations", i))
    return fresh


def _time(value: Any, path: str) -> Any:
    """An ISO 8601 time (YAML may already have read it as a datetime)."""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        value = value.isoformat()
    try:
        return parse_time(value)
    except (TypeError, ValueError):
        raise ScenarioError(
            path, f"expected an ISO 8601 time like 2030-01-01T00:00:00Z, got {value!r}"
        ) from None


def _config(top: dict) -> WorldConfig:
    settings = _mapping(top.get("settings") or {}, "settings", SETTINGS_KEYS)
    config = WorldConfig()
    if "default_account" in settings:
        config.default_account = _account(settings["default_account"], "settings.default_account")
    if "default_region" in settings:
        config.default_region = _region(settings["default_region"], "settings.default_region")
    if "block_public_access" in settings:
        state = settings["block_public_access"]
        if state not in BPA_STATES:
            raise ScenarioError(
                "settings.block_public_access",
                f"expected one of {', '.join(BPA_STATES)}, got {state!r}",
            )
        config.bpa_default = state
    if settings.get("max_launch_permissions") is not None:
        config.max_launch_permissions = _int(
            settings["max_launch_permissions"], "settings.max_launch_permissions"
        )
    if settings.get("transition_seconds") is not None:
        seconds = _int(settings["transition_seconds"], "settings.transition_seconds")
        if not 0 <= seconds <= MAX_TRANSITION_SECONDS:
            raise ScenarioError(
                "settings.transition_seconds",
                f"expected 0 to {MAX_TRANSITION_SECONDS} seconds, got {seconds}",
            )
        config.transition_seconds = seconds
    for i, name in enumerate(_list(settings.get("extra_regions"), "settings.extra_regions")):
        path = at("settings.extra_regions", i)
        config.extra_regions.append(_region(name, path))
    keys = top.get("access_keys") or {}
    if not isinstance(keys, dict):
        raise ScenarioError("access_keys", "expected a mapping of access key ids to accounts")
    config.access_keys = {
        _text(k, at("access_keys", str(k))): _account(v, at("access_keys", k))
        for k, v in keys.items()
    }
    return config


def _organization(world: World, org: Any, path: str) -> None:
    org = _mapping(org, path, ORG_KEYS, ("management_account",))
    mgmt = _account(org["management_account"], at(path, "management_account"))
    mgmt_entry, mgmt_parent = _find_account(org, mgmt)
    made = _core(
        path,
        lambda: world.orgs.create_organization(
            mgmt,
            org.get("feature_set", "ALL"),
            org_id=_optional_text(org.get("id"), at(path, "id")),
            root_id=_optional_text(org.get("root_id"), at(path, "root_id")),
            name=(mgmt_entry or {}).get("name"),
            email=(mgmt_entry or {}).get("email"),
        ),
    )
    _place(world, made.id, mgmt, made.root_id, org, path, made.root_id)
    # A scenario's member accounts are taken as created by Organizations: each has the role
    # CreateAccount makes (docs/iam.md).
    for account in world.orgs.member_accounts():
        if (
            account.org_id == made.id
            and account.id != mgmt
            and world.iam.find_role(account.id, ORG_ACCESS_ROLE) is None
        ):
            world.iam.create_org_access_role(account.id, mgmt, None, partition=made.partition)
    if mgmt_parent is not None:
        parent_id = made.root_id if mgmt_parent == "" else mgmt_parent
        if parent_id != made.root_id:
            _core(path, lambda: world.orgs.move_account(mgmt, mgmt, made.root_id, parent_id))


def _org_policies(world: World, org: dict, path: str) -> None:
    """``policy_types`` enabled in the root, then ``policies`` made and attached to their
    ``targets`` ("root", OU ids, account ids). An entry for p-FullAWSAccess lists exactly
    where it stays attached (it is on every target once SCPs are enabled)."""
    mgmt = _account(org["management_account"], at(path, "management_account"))
    tree = world.orgs
    root_id = tree.describe_organization(mgmt).root_id
    for i, kind in enumerate(_list(org.get("policy_types"), at(path, "policy_types"))):
        where = at(at(path, "policy_types"), i)
        _core(where, partial(tree.enable_policy_type, mgmt, root_id, _text(kind, where)))
    full: tuple[str, list[str]] | None = None
    for i, entry in enumerate(_list(org.get("policies"), at(path, "policies"))):
        where = at(at(path, "policies"), i)
        entry = _mapping(entry, where, ORG_POLICY_KEYS)
        targets = [
            root_id if t == "root" else _target(t, at(at(where, "targets"), j))
            for j, t in enumerate(_list(entry.get("targets"), at(where, "targets")))
        ]
        if entry.get("id") == FULL_AWS_ACCESS_ID:
            full = (where, targets)
            continue
        policy_id = _org_policy(world, mgmt, entry, where)
        for j, target in enumerate(targets):
            _core(at(at(where, "targets"), j), partial(tree.attach_policy, mgmt, policy_id, target))
    if full is not None:
        where, keep = full
        for target in list(tree.targets_of_policy(mgmt, FULL_AWS_ACCESS_ID)):
            if target not in keep:
                _core(where, partial(tree.detach_policy, mgmt, FULL_AWS_ACCESS_ID, target))


def _org_policy(world: World, mgmt: str, entry: dict, where: str) -> str:
    """One customer managed policy; its content is JSON text or a mapping."""
    for key in ("name", "type", "content"):
        if key not in entry:
            raise ScenarioError(at(where, key), "required")
    content = entry["content"]
    if isinstance(content, dict):
        content = json.dumps(content, indent=2)
    made = _core(
        where,
        partial(
            world.orgs.create_policy,
            mgmt,
            _text(content, at(where, "content")),
            _optional_text(entry.get("description"), at(where, "description")) or "",
            _text(entry["name"], at(where, "name")),
            _text(entry["type"], at(where, "type")),
            policy_id=_optional_text(entry.get("id"), at(where, "id")),
        ),
    )
    return made.id


def _target(value: Any, path: str) -> str:
    """A policy target: an account id (YAML may read it as a number) or a root or OU id."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _account(value, path)
    return _text(value, path)


def _find_account(node: dict, account: str, parent: str = "") -> tuple[dict | None, str | None]:
    """The entry listing ``account`` in an org or OU subtree, and the id of its parent
    ("" for the root)."""
    for entry in node.get("accounts") or []:
        if isinstance(entry, dict) and str(entry.get("id")).zfill(12) == account:
            return entry, parent
    for ou in node.get("ous") or []:
        if isinstance(ou, dict):
            found = _find_account(ou, account, str(ou.get("id", "")))
            if found[0] is not None:
                return found
    return None, None


def _place(
    world: World, org_id: str, mgmt: str, parent_id: str, node: dict, path: str, root_id: str
) -> None:
    for i, entry in enumerate(_list(node.get("accounts"), at(path, "accounts"))):
        where = at(at(path, "accounts"), i)
        entry = _mapping(entry, where, ACCOUNT_KEYS, ("id",))
        account = _account(entry["id"], at(where, "id"))
        for key in ("name", "email"):
            _optional_text(entry.get(key), at(where, key))
        if account == mgmt:
            continue  # created with the organization, moved into place afterwards
        _core(
            where,
            lambda a=account, e=entry: world.orgs.add_account(
                org_id, a, parent_id, name=e.get("name"), email=e.get("email")
            ),
        )
    for i, ou in enumerate(_list(node.get("ous"), at(path, "ous"))):
        where = at(at(path, "ous"), i)
        ou = _mapping(ou, where, OU_KEYS, ("name",))
        name = _text(ou["name"], at(where, "name"))
        _optional_text(ou.get("id"), at(where, "id"))
        made = _core(
            where, lambda o=ou, n=name: world.orgs.create_ou(mgmt, parent_id, n, ou_id=o.get("id"))
        )
        _place(world, org_id, mgmt, made.id, ou, where, root_id)


def _keys(world: World, entries: list) -> None:
    """Customer managed KMS keys, made through the KMS core before any image refers to them."""
    chosen: set[tuple[str, str, str]] = set()
    for i, entry in enumerate(entries):
        path = at("keys", i)
        entry = _mapping(entry, path, KMS_KEY_KEYS, ("account",))
        account = _account(entry["account"], at(path, "account"))
        region = _region(entry.get("region") or world.config.default_region, at(path, "region"))
        policy = _policy(entry.get("policy"), at(path, "policy"))
        description = entry.get("description") or ""
        if not isinstance(description, str):
            raise ScenarioError(at(path, "description"), "expected a string")
        wanted = None
        if entry.get("id") is not None:
            wanted = _text(entry["id"], at(path, "id"))
            if not KEY_ID.match(wanted):
                raise ScenarioError(
                    at(path, "id"), "expected a key id like 1234abcd-12ab-34cd-56ef-1234567890ab"
                )
            if (account, region, wanted) in chosen:
                raise ScenarioError(at(path, "id"), f"key {wanted} is listed twice")
            chosen.add((account, region, wanted))
        # A scenario states what is; the lockout check guards only against future mistakes.
        key = _core(
            path,
            lambda a=account, r=region, p=policy, d=description, k=wanted: world.kms.create_key(
                a, r, policy=p, description=d, bypass_lockout_check=True, key_id=k
            ),
        )
        for j, name in enumerate(_list(entry.get("aliases"), at(path, "aliases"))):
            where = at(at(path, "aliases"), j)
            alias = _text(name, where)
            _core(
                where,
                lambda a=account, r=region, n=alias, k=key.key_id: world.kms.create_alias(
                    a, r, n, k
                ),
            )
        for j, raw in enumerate(_list(entry.get("grants"), at(path, "grants"))):
            _grant(world, key.arn, raw, at(at(path, "grants"), j))
        if not _bool(entry.get("enabled", True), at(path, "enabled")):
            world.kms.disable_key(account, region, key.key_id)


def _grant(world: World, key_arn: str, raw: Any, path: str) -> None:
    """A grant on a key, made as the key's account makes one with CreateGrant."""
    entry = _mapping(raw, path, KMS_GRANT_KEYS, ("grantee", "operations"))
    where = at(path, "operations")
    operations = [_text(op, at(where, i)) for i, op in enumerate(_list(entry["operations"], where))]
    constraints = _mapping(
        entry.get("constraints") or {}, at(path, "constraints"), set(GRANT_CONSTRAINTS)
    )
    for name, pairs in constraints.items():
        here = at(at(path, "constraints"), name)
        if not isinstance(pairs, dict):
            raise ScenarioError(here, "expected a mapping of encryption context keys to values")
        for k, v in pairs.items():
            _text(k, here)
            _text(v, at(here, str(k)))
    _, _, _, region, account, _ = key_arn.split(":", 5)
    _core(
        path,
        lambda: world.kms.create_grant(
            account,
            region,
            key_arn,
            _text(entry["grantee"], at(path, "grantee")),
            operations,
            retiring=_optional_text(entry.get("retiring"), at(path, "retiring")),
            constraints=constraints or None,
            name=_optional_text(entry.get("name"), at(path, "name")),
        ),
    )


def _policy(value: Any, path: str) -> str | None:
    """A key policy written as a mapping or as JSON text; None for the default policy."""
    if value is None:
        return None
    if isinstance(value, dict):
        return json.dumps(value, indent=2)
    return _text(value, path)


def _image(world: World, image: Any, path: str) -> None:
    image = _mapping(image, path, IMAGE_KEYS, ("owner", "name"))
    owner = _account(image["owner"], at(path, "owner"))
    region = _region(image.get("region") or world.config.default_region, at(path, "region"))
    where = at(path, "block_devices")
    devices = [
        _device(d, at(where, i)) for i, d in enumerate(_list(image.get("block_devices"), where))
    ]
    spec = ImageSpec(
        name=_text(image["name"], at(path, "name")),
        description=_optional_text(image.get("description"), at(path, "description")),
        architecture=_optional_text(image.get("architecture"), at(path, "architecture")),
        root_device_name=_optional_text(
            image.get("root_device_name"), at(path, "root_device_name")
        ),
    )
    env = world.ec2.env
    with world.ec2.write(region) as state:
        backed = _backed(env, state, owner, devices, where)
        made = _core(
            path,
            lambda: catalog.register_image(
                env, state, owner, spec, backed, {}, _optional_text(image.get("id"), at(path, "id"))
            ),
        )
        grants = _grants(image.get("launch_permissions"), at(path, "launch_permissions"))
        _core(
            at(path, "launch_permissions"),
            lambda: catalog.add_grants(env, state, made.image_id, grants),
        )
        # (account, its tags, where they are written) for the owner and every other account.
        tagged = [(owner, _tags(image.get("tags"), at(path, "tags")), at(path, "tags"))]
        by_account = image.get("tags_by_account") or {}
        if not isinstance(by_account, dict):
            raise ScenarioError(
                at(path, "tags_by_account"), "expected a mapping of accounts to tags"
            )
        for account, account_tags in by_account.items():
            where = at(at(path, "tags_by_account"), str(account))
            tagged.append((_account(account, where), _tags(account_tags, where), where))
        for account, account_tags, where in tagged:
            if account_tags:
                _core(
                    where,
                    lambda a=account, t=account_tags: tagging.create_tags(
                        env, state, a, [made.image_id], t
                    ),
                )
        _lifecycle(image, path, made)


def _lifecycle(image: dict, path: str, made: Any) -> None:
    """Deprecation, disabling and protection as the scenario states them (a state, not a
    request: a deprecation time in the past is what it says, an image already deprecated)."""
    if image.get("deprecation_time") is not None:
        when = _time(image["deprecation_time"], at(path, "deprecation_time"))
        made.deprecation_time = aws_time(lifecycle.rounded(when))
    protection = image.get("deregistration_protection", PROTECTION_OFF)
    if protection not in PROTECTIONS:
        raise ScenarioError(
            at(path, "deregistration_protection"),
            f"expected one of {', '.join(PROTECTIONS)}, got {protection!r}",
        )
    made.deregistration_protection = protection
    if _bool(image.get("disabled", False), at(path, "disabled")):
        if image.get("launch_permissions"):
            raise ScenarioError(
                at(path, "launch_permissions"), "a disabled image has no launch permissions"
            )
        made.state = DISABLED


def _device(device: Any, path: str) -> BlockDevice:
    device = _mapping(device, path, DEVICE_KEYS, ("device_name",))
    size = device.get("volume_size")
    key = device.get("kms_key_id")
    return BlockDevice(
        device_name=_text(device["device_name"], at(path, "device_name")),
        volume_size=None if size is None else _int(size, at(path, "volume_size")),
        volume_type=_optional_text(device.get("volume_type", "gp3"), at(path, "volume_type")),
        # Naming a key implies encryption.
        encrypted=_bool(device.get("encrypted", key is not None), at(path, "encrypted")),
        kms_key_id=None if key is None else _text(key, at(path, "kms_key_id")),
        delete_on_termination=_bool(
            device.get("delete_on_termination", True), at(path, "delete_on_termination")
        ),
    )


def _backed(
    env: Env, region: RegionState, owner: str, devices: list[BlockDevice], path: str
) -> list[BlockDevice]:
    """Each device gets a fresh snapshot of its own, owned by the image's owner, under the key
    it names (an alias or id in the owner's account and Region; ``aws/ebs`` by default)."""
    out = []
    for i, bd in enumerate(devices):
        snap = _core(
            at(path, i),
            lambda b=bd: snapshot_without_volume(
                env,
                region,
                owner,
                size=b.volume_size or 8,
                encrypted=bool(b.encrypted),
                kms_key_id=b.kms_key_id,
            ),
        )
        out.append(
            BlockDevice(
                bd.device_name,
                snapshot_id=snap.snapshot_id,
                volume_size=snap.volume_size,
                volume_type=bd.volume_type,
                delete_on_termination=bd.delete_on_termination,
            )
        )
    return out


def _grants(value: Any, path: str) -> list[Grant]:
    if value is None:
        return []
    value = _mapping(value, path, GRANT_KEYS)
    grants = [Grant(GROUP, "all")] if _bool(value.get("public", False), at(path, "public")) else []
    grants += [
        Grant(USER, _account(a, at(at(path, "accounts"), i)))
        for i, a in enumerate(_list(value.get("accounts"), at(path, "accounts")))
    ]
    for key, kind in (("organizations", ORG), ("organizational_units", OU)):
        grants += [
            Grant(kind, _text(v, at(at(path, key), i)))
            for i, v in enumerate(_list(value.get(key), at(path, key)))
        ]
    return grants


def _bpa(world: World, entry: Any, path: str) -> None:
    entry = _mapping(entry, path, BPA_KEYS, ("account", "state"))
    account = _account(entry["account"], at(path, "account"))
    region = _region(entry.get("region") or world.config.default_region, at(path, "region"))
    state = entry["state"]
    if state not in BPA_STATES:
        raise ScenarioError(at(path, "state"), f"expected one of {', '.join(BPA_STATES)}")
    with world.ec2.write(region) as regional:
        if state == "unblocked":
            bpa.disable(world.ec2.env, regional, account)
        else:
            bpa.enable(world.ec2.env, regional, account, state)


def _allowed_images(world: World, entry: Any, path: str) -> None:
    """An account's Allowed AMIs settings in a Region, built by the same rules as the API."""
    entry = _mapping(entry, path, ALLOWED_IMAGES_KEYS, ("account",))
    account = _account(entry["account"], at(path, "account"))
    region = _region(entry.get("region") or world.config.default_region, at(path, "region"))
    state = entry.get("state", allowed_images.DISABLED)
    if state not in allowed_images.STATES:
        raise ScenarioError(
            at(path, "state"), f"expected one of {', '.join(allowed_images.STATES)}, got {state!r}"
        )
    managed_by = entry.get("managed_by", allowed_images.MANAGED_BY_ACCOUNT)
    if managed_by not in allowed_images.MANAGERS:
        raise ScenarioError(
            at(path, "managed_by"), f"expected one of {', '.join(allowed_images.MANAGERS)}"
        )
    where = at(path, "criteria")
    criteria = [
        _criterion(c, at(where, i)) for i, c in enumerate(_list(entry.get("criteria"), where))
    ]
    with world.ec2.write(region) as regional:
        table = regional.allowed_images
        _core(where, lambda: allowed_images.replace_criteria(table, account, criteria))
        if state != allowed_images.DISABLED:
            allowed_images.enable(table, account, state)
        if managed_by != allowed_images.MANAGED_BY_ACCOUNT:
            table[account] = replace(table[account], managed_by=managed_by)


def _criterion(value: Any, path: str) -> allowed_images.Criterion:
    value = _mapping(value, path, CRITERION_KEYS)
    scan = value.get("scan_result_condition")
    scan_path = at(path, "scan_result_condition")
    if scan is not None:
        scan = _mapping(scan, scan_path, SCAN_KEYS)
    marks = at(path, "image_watermarks")
    return allowed_images.Criterion(
        providers=tuple(
            _text(str(v).zfill(12) if isinstance(v, int) else v, at(at(path, "image_providers"), i))
            for i, v in enumerate(_list(value.get("image_providers"), at(path, "image_providers")))
        ),
        names=_texts(value, "image_names", path),
        product_codes=_texts(value, "marketplace_product_codes", path),
        max_days_since_created=_days(value, "max_days_since_created", path),
        max_days_since_deprecated=_days(value, "max_days_since_deprecated", path),
        watermarks=tuple(
            _watermark(w, at(marks, i))
            for i, w in enumerate(_list(value.get("image_watermarks"), marks))
        ),
        scan_result=None
        if scan is None
        else allowed_images.ScanResultCondition(
            max_days_since_last_finding_scan=_days(
                scan, "max_days_since_last_finding_scan", scan_path
            ),
            maximum_severity_label=_optional_text(
                scan.get("maximum_severity_label"), at(scan_path, "maximum_severity_label")
            ),
            fix_days=tuple(
                (severity, _days(scan, key, scan_path))
                for key, severity in FIX_KEYS.items()
                if scan.get(key) is not None
            ),
        ),
    )


def _watermark(value: Any, path: str) -> allowed_images.WatermarkFilter:
    value = _mapping(value, path, WATERMARK_KEYS)
    return allowed_images.WatermarkFilter(
        key=_optional_text(value.get("watermark_key"), at(path, "watermark_key")),
        source_image_region=_optional_text(
            value.get("source_image_region"), at(path, "source_image_region")
        ),
        max_days_since_source_image_created=_days(
            value, "max_days_since_source_image_created", path
        ),
        max_days_since_watermark_created=_days(value, "max_days_since_watermark_created", path),
    )


def _texts(value: dict, key: str, path: str) -> tuple[str, ...]:
    where = at(path, key)
    return tuple(_text(v, at(where, i)) for i, v in enumerate(_list(value.get(key), where)))


def _days(value: dict, key: str, path: str) -> Any:
    days = value.get(key)
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        raise ScenarioError(at(path, key), f"expected a whole number of days, got {days!r}")
    return days


def _key_pair(world: World, entry: Any, path: str) -> None:
    """A key pair from its public key (a scenario never holds a private key)."""
    entry = _mapping(entry, path, KEY_PAIR_KEYS, ("account", "name", "public_key"))
    account = _account(entry["account"], at(path, "account"))
    region = _region(entry.get("region") or world.config.default_region, at(path, "region"))
    material = _text(entry["public_key"], at(path, "public_key")).encode()
    tags = {"key-pair": _tags(entry.get("tags"), at(path, "tags"))}
    with world.ec2.write(region) as regional:
        _core(
            path,
            lambda: key_pairs.import_key_pair(
                world.ec2.env,
                regional,
                account,
                _text(entry["name"], at(path, "name")),
                material,
                tags,
            ),
        )


def _vpc(world: World, entry: Any, path: str) -> None:
    """A VPC of an account, with its subnets; the default network is there already."""
    entry = _mapping(entry, path, VPC_KEYS, ("account", "cidr_block"))
    account = _account(entry["account"], at(path, "account"))
    region = _region(entry.get("region") or world.config.default_region, at(path, "region"))
    env = world.ec2.env
    with world.ec2.write(region) as regional:
        vpc = _core(
            path,
            lambda: network.create_vpc(
                env,
                regional,
                account,
                _text(entry["cidr_block"], at(path, "cidr_block")),
                None,
                {"vpc": _tags(entry.get("tags"), at(path, "tags"))},
            ),
        )
        for i, subnet in enumerate(_list(entry.get("subnets"), at(path, "subnets"))):
            where = at(at(path, "subnets"), i)
            subnet = _mapping(subnet, where, SUBNET_KEYS, ("cidr_block",))
            _core(
                where,
                lambda subnet=subnet, where=where: network.create_subnet(
                    env,
                    regional,
                    account,
                    vpc.vpc_id,
                    _text(subnet["cidr_block"], at(where, "cidr_block")),
                    _optional_text(subnet.get("availability_zone"), at(where, "availability_zone")),
                    None,
                    {"subnet": _tags(subnet.get("tags"), at(where, "tags"))},
                ),
            )


def _launch_template(world: World, entry: Any, path: str) -> None:
    """A launch template of ``account``: its versions in order (1, 2, ...), each with the
    LaunchTemplateData it holds, as CreateLaunchTemplate(Version) take it."""
    entry = _mapping(entry, path, LAUNCH_TEMPLATE_KEYS, ("account", "name", "versions"))
    account = _account(entry["account"], at(path, "account"))
    region = _region(entry.get("region") or world.config.default_region, at(path, "region"))
    name = _text(entry["name"], at(path, "name"))
    where = at(path, "versions")
    versions = []
    for i, version in enumerate(_list(entry["versions"], where)):
        version = _mapping(version, at(where, i), TEMPLATE_VERSION_KEYS, ("data",))
        data = version["data"]
        if not isinstance(data, dict):
            raise ScenarioError(
                at(at(where, i), "data"), "expected a mapping of LaunchTemplateData"
            )
        description = _optional_text(version.get("description"), at(at(where, i), "description"))
        versions.append((data, description))
    if not versions:
        raise ScenarioError(where, "expected at least one version")
    tags = {"launch-template": _tags(entry.get("tags"), at(path, "tags"))}
    env = world.ec2.env
    with world.ec2.write(region) as state:
        first, description = versions[0]
        made = _core(
            path,
            lambda: templates.create_launch_template(
                env, state, account, name=name, data=first, description=description, tags=tags
            ),
        )
        for i, (data, description) in enumerate(versions[1:], start=1):
            _core(
                at(where, i),
                lambda d=data, t=description: templates.create_launch_template_version(
                    env,
                    state,
                    account,
                    template_id=made.template_id,
                    name=None,
                    data=d,
                    description=t,
                    source_version=None,
                ),
            )
        if entry.get("default_version") is not None:
            default = _int(entry["default_version"], at(path, "default_version"))
            _core(
                at(path, "default_version"),
                lambda: templates.modify_launch_template(
                    state, account, made.template_id, None, str(default)
                ),
            )


# ---------------------------------------------------------------- IAM


def _document(value: Any, path: str) -> str:
    """A policy document written as a mapping or as JSON text."""
    if isinstance(value, dict):
        return json.dumps(value)
    return _text(value, path)


def _iam(world: World, entries: list) -> None:
    """Each account's customer managed policies, then users, then roles (a trust policy may
    name a user of any account listed), through IAM's own operations."""
    parsed = []
    for i, entry in enumerate(entries):
        path = at("iam", i)
        entry = _mapping(entry, path, IAM_KEYS, ("account",))
        parsed.append((path, _account(entry["account"], at(path, "account")), entry))
    for path, account, entry in parsed:
        for j, raw in enumerate(_list(entry.get("policies"), at(path, "policies"))):
            where = at(at(path, "policies"), j)
            raw = _mapping(raw, where, IAM_POLICY_KEYS, ("name", "document"))
            _core(
                where,
                lambda a=account, r=raw, w=where: world.iam.create_policy(
                    a,
                    _text(r["name"], at(w, "name")),
                    _document(r["document"], at(w, "document")),
                    path=_optional_text(r.get("path"), at(w, "path")),
                    description=_optional_text(r.get("description"), at(w, "description")),
                ),
            )
    for kind, keys in (("users", IAM_USER_KEYS), ("roles", IAM_ROLE_KEYS)):
        for path, account, entry in parsed:
            for j, raw in enumerate(_list(entry.get(kind), at(path, kind))):
                where = at(at(path, kind), j)
                required = ("name", "trust_policy") if kind == "roles" else ("name",)
                _iam_entity(world, account, kind[:-1], _mapping(raw, where, keys, required), where)


def _iam_entity(world: World, account: str, kind: str, raw: dict, path: str) -> None:
    name = _text(raw["name"], at(path, "name"))
    entity_path = _optional_text(raw.get("path"), at(path, "path"))
    if kind == "user":
        _core(path, lambda: world.iam.create_user(account, name, entity_path))
    else:
        duration = raw.get("max_session_duration")
        _core(
            path,
            lambda: world.iam.create_role(
                account,
                name,
                _document(raw["trust_policy"], at(path, "trust_policy")),
                path=entity_path,
                description=_optional_text(raw.get("description"), at(path, "description")),
                max_session=None
                if duration is None
                else _int(duration, at(path, "max_session_duration")),
            ),
        )
    inline = raw.get("policies") or {}
    if not isinstance(inline, dict):
        raise ScenarioError(at(path, "policies"), "expected a mapping of policy names to documents")
    for policy_name, document in inline.items():
        where = at(at(path, "policies"), str(policy_name))
        text = _document(document, where)
        _core(
            where,
            lambda n=str(policy_name), d=text: world.iam.put_inline_policy(
                account, kind, name, n, d
            ),
        )
    for j, value in enumerate(_list(raw.get("attached"), at(path, "attached"))):
        where = at(at(path, "attached"), j)
        arn = _policy_arn(world, account, _text(value, where))
        _core(where, lambda a=arn: world.iam.attach_policy(account, kind, name, a))


def _policy_arn(world: World, account: str, value: str) -> str:
    """``attached`` names a policy by ARN, by the name of the account's own policy, or by
    the name of an AWS managed one."""
    if value.startswith("arn:"):
        return value
    own = world.iam.list_policies(account, "Local", False, None, None, None, 1000)[0]
    mine = next((p.arn for p in own if p.name == value), None)
    if mine is not None:
        return mine
    shipped = next((p.arn for p in aws_managed_policies().values() if p.name == value), None)
    return shipped or value


def _generated(world: World, account: str, name: str) -> bool:
    """A member's OrganizationAccountAccessRole as CreateAccount made it: building the
    scenario makes it again, so a dump leaves it out."""
    place = world.orgs.membership(account)
    role = world.iam.find_role(account, name)
    return (
        place is not None
        and role is not None
        and account != place.management_account
        and is_generated_org_role(role, place.management_account)
    )


def _dump_iam(world: World) -> list[dict[str, Any]]:
    """Each account's IAM, with every document as a mapping; access keys are left out (their
    secrets are shown once; the state file keeps them)."""
    state = world.iam.to_dict()
    accounts: dict[str, dict[str, Any]] = {}

    def of(account: str) -> dict[str, Any]:
        return accounts.setdefault(account, {"account": account})

    for raw in state["policies"]:
        version = next(v for v in raw["versions"] if v["id"] == raw["default_version"])
        entry = {
            "name": raw["name"],
            "path": raw["path"],
            "document": json.loads(version["document"]),
        }
        if raw["description"] is not None:
            entry["description"] = raw["description"]
        of(raw["account"]).setdefault("policies", []).append(entry)
    for kind in ("users", "roles"):
        for raw in state[kind]:
            if kind == "roles" and _generated(world, raw["account"], raw["name"]):
                continue
            entry = {"name": raw["name"], "path": raw["path"]}
            if kind == "roles":
                entry["trust_policy"] = json.loads(raw["trust_policy"])
                entry["max_session_duration"] = raw["max_session"]
                if raw["description"] is not None:
                    entry["description"] = raw["description"]
            if raw["inline"]:
                entry["policies"] = {n: json.loads(d) for n, d in raw["inline"].items()}
            if raw["attached"]:
                entry["attached"] = list(raw["attached"])
            of(raw["account"]).setdefault(kind, []).append(entry)
    return list(accounts.values())


def load_into(world: World, data: Any) -> None:
    """Replace ``world``'s state with the scenario, and make it what ``reset`` returns to."""
    built = build(data, world)
    world.load(built.to_dict())
    world.set_baseline()


# ---------------------------------------------------------------- dumping


def dump(world: World) -> dict[str, Any]:
    """The world in scenario form. Instances, volumes, snapshot ids, deregistered images,
    image usage reports and launch template ids are not part of a scenario (the state file
    keeps everything)."""
    config = world.config
    out: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "settings": {
            "default_account": config.default_account,
            "default_region": config.default_region,
            "block_public_access": config.bpa_default,
        },
    }
    if config.max_launch_permissions is not None:
        out["settings"]["max_launch_permissions"] = config.max_launch_permissions
    if config.extra_regions:
        out["settings"]["extra_regions"] = list(config.extra_regions)
    if config.transition_seconds:
        out["settings"]["transition_seconds"] = config.transition_seconds
    if config.access_keys:
        out["access_keys"] = dict(config.access_keys)
    # The emulator's time, when it is not real time: loading the dump sets the clock there.
    if world.clock.frozen_at is not None or world.clock.offset:
        out["clock"] = iso(world.clock())
    out["organizations"] = [_dump_org(world, org) for org in world.orgs.organizations()]
    out["keys"] = _dump_keys(world)
    out["images"] = [
        _dump_image(world, name, image)
        for name, region in world.ec2.regions.items()
        for image in region.images.values()
        if image.state != DEREGISTERED
    ]
    iam = _dump_iam(world)
    if iam:
        out["iam"] = iam
    out["block_public_access"] = [
        {"account": account, "region": name, "state": state}
        for name, region in world.ec2.regions.items()
        for account, state in region.bpa.items()
    ]
    key_pairs_ = [
        {
            "account": pair.owner,
            "region": name,
            "name": pair.name,
            "public_key": pair.public_key,
            "tags": region.tags.get(pair.key_pair_id, pair.owner),
        }
        for name, region in world.ec2.regions.items()
        for pair in region.key_pairs.values()
    ]
    vpcs = [
        _dump_vpc(region, name, account, vpc)
        for name, region in world.ec2.regions.items()
        for account, net in region.network.accounts.items()
        for vpc in net.vpcs.values()
        if not vpc.is_default
    ]
    # Only when there are some, so a dump of a world without them reads as before.
    if key_pairs_:
        out["key_pairs"] = key_pairs_
    if vpcs:
        out["vpcs"] = vpcs
    allowed = [
        _dump_allowed_images(account, name, settings)
        for name, region in world.ec2.regions.items()
        for account, settings in region.allowed_images.items()
    ]
    if allowed:
        out["allowed_images"] = allowed
    templates_out = [
        _dump_launch_template(world, name, template)
        for name, region in world.ec2.regions.items()
        for template in region.launch_templates.values()
    ]
    if templates_out:  # left out when there are none, as in scenarios written before them
        out["launch_templates"] = templates_out
    return out


def _dump_launch_template(world: World, region_name: str, template: Any) -> dict[str, Any]:
    """Its versions in order; deleted versions leave no gap (they are numbered anew)."""
    numbers = sorted(template.versions)
    out: dict[str, Any] = {
        "account": template.owner,
        "region": region_name,
        "name": template.name,
        "versions": [
            {
                **(
                    {"description": template.versions[n].description}
                    if template.versions[n].description is not None
                    else {}
                ),
                "data": template.versions[n].data,
            }
            for n in numbers
        ],
    }
    if template.default_version != numbers[0]:
        out["default_version"] = numbers.index(template.default_version) + 1
    tags = world.ec2.regions[region_name].tags.get(template.template_id, template.owner)
    if tags:
        out["tags"] = dict(tags)
    return out


def _dump_allowed_images(
    account: str, region: str, settings: allowed_images.AllowedImagesSettings
) -> dict[str, Any]:
    entry: dict[str, Any] = {"account": account, "region": region, "state": settings.state}
    if settings.criteria:
        entry["criteria"] = [_dump_criterion(c) for c in settings.criteria]
    if settings.managed_by != allowed_images.MANAGED_BY_ACCOUNT:
        entry["managed_by"] = settings.managed_by
    return entry


def _dump_criterion(c: allowed_images.Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, values in (
        ("image_providers", c.providers),
        ("image_names", c.names),
        ("marketplace_product_codes", c.product_codes),
    ):
        if values:
            out[key] = list(values)
    if c.max_days_since_created is not None:
        out["max_days_since_created"] = c.max_days_since_created
    if c.max_days_since_deprecated is not None:
        out["max_days_since_deprecated"] = c.max_days_since_deprecated
    if c.watermarks:
        out["image_watermarks"] = [
            {
                k: v
                for k, v in {
                    "watermark_key": w.key,
                    "source_image_region": w.source_image_region,
                    "max_days_since_source_image_created": w.max_days_since_source_image_created,
                    "max_days_since_watermark_created": w.max_days_since_watermark_created,
                }.items()
                if v is not None
            }
            for w in c.watermarks
        ]
    if c.scan_result is not None:
        scan = c.scan_result
        shape: dict[str, Any] = {
            f"max_days_since_{severity}_fix_available": days for severity, days in scan.fix_days
        }
        if scan.max_days_since_last_finding_scan is not None:
            shape["max_days_since_last_finding_scan"] = scan.max_days_since_last_finding_scan
        if scan.maximum_severity_label is not None:
            shape["maximum_severity_label"] = scan.maximum_severity_label
        out["scan_result_condition"] = shape
    return out


def _dump_vpc(region: Any, name: str, account: str, vpc: Any) -> dict[str, Any]:
    net = region.network.accounts[account]
    return {
        "account": account,
        "region": name,
        "cidr_block": vpc.cidr_block,
        "tags": region.tags.get(vpc.vpc_id, account),
        "subnets": [
            {
                "cidr_block": s.cidr_block,
                "availability_zone": s.availability_zone,
                "tags": region.tags.get(s.subnet_id, account),
            }
            for s in net.subnets.values()
            if s.vpc_id == vpc.vpc_id
        ],
    }


def _dump_keys(world: World) -> list[dict[str, Any]]:
    """Customer managed keys; ``aws/ebs`` keys are made again on first use."""
    state = world.kms.to_dict()
    out = []
    for raw in state["keys"]:
        if raw["manager"] != CUSTOMER:
            continue
        entry: dict[str, Any] = {
            "id": raw["key_id"],
            "account": raw["account"],
            "region": raw["region"],
        }
        if raw["description"]:
            entry["description"] = raw["description"]
        aliases = [
            a["name"]
            for a in state["aliases"]
            if (a["account"], a["region"], a["target_key_id"])
            == (raw["account"], raw["region"], raw["key_id"])
        ]
        if aliases:
            entry["aliases"] = aliases
        entry["policy"] = json.loads(raw["policy"])
        # A key pending deletion comes back disabled: either way no launch may use it.
        entry["enabled"] = raw["state"] == ENABLED
        # The grants a caller made; EC2's own are made again by EC2's use of the key.
        arn = key_arn(raw["partition"], raw["account"], raw["region"], raw["key_id"])
        grants = [_dump_grant(g) for g in world.kms.grants.of_key(arn) if not g.for_aws_resource]
        if grants:
            entry["grants"] = grants
        out.append(entry)
    return out


def _dump_grant(grant: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"grantee": grant.grantee, "operations": list(grant.operations)}
    if grant.retiring:
        out["retiring"] = grant.retiring
    constraints = {
        name: dict(pairs)
        for name, pairs in zip(GRANT_CONSTRAINTS, (grant.equals, grant.subset), strict=True)
        if pairs is not None
    }
    if constraints:
        out["constraints"] = constraints
    if grant.name:
        out["name"] = grant.name
    return out


def _dump_key_ref(world: World, arn: str) -> str:
    return AWS_EBS_ALIAS if world.kms.is_aws_managed(arn) else arn


def _dump_org(world: World, org: Any) -> dict[str, Any]:
    node = {
        "id": org.id,
        "root_id": org.root_id,
        "management_account": org.management_account,
        "feature_set": org.feature_set,
    }
    node.update(_dump_children(world, org.root_id))
    if org.policy_types:
        node["policy_types"] = list(org.policy_types)
    policies = [
        {
            "id": p.id,
            "name": p.name,
            "type": p.type,
            "description": p.description,
            "content": p.content,
            "targets": world.orgs.targets_of_policy(org.management_account, p.id),
        }
        for p in world.orgs.policies_in(org.id)
    ]
    if SCP in org.policy_types:
        targets = world.orgs.targets_of_policy(org.management_account, FULL_AWS_ACCESS_ID)
        policies.append({"id": FULL_AWS_ACCESS_ID, "targets": targets})
    if policies:
        node["policies"] = policies
    return node


def _dump_children(world: World, parent_id: str) -> dict[str, Any]:
    node: dict[str, Any] = {}
    accounts = [
        {"id": a.id, "name": a.name, "email": a.email} for a in world.orgs.child_accounts(parent_id)
    ]
    ous = [
        {"id": ou.id, "name": ou.name, **_dump_children(world, ou.id)}
        for ou in world.orgs.child_ous(parent_id)
    ]
    if accounts:
        node["accounts"] = accounts
    if ous:
        node["ous"] = ous
    return node


def _dump_image(world: World, region_name: str, image: Any) -> dict[str, Any]:
    region = world.ec2.regions[region_name]
    out: dict[str, Any] = {
        "id": image.image_id,
        "owner": image.owner,
        "region": region_name,
        "name": image.name,
    }
    if image.description:
        out["description"] = image.description
    out["architecture"] = image.architecture
    out["root_device_name"] = image.root_device_name
    out["block_devices"] = [
        {
            "device_name": bd.device_name,
            "volume_size": bd.volume_size,
            "volume_type": bd.volume_type,
            "encrypted": bool(bd.encrypted),
            **({"kms_key_id": _dump_key_ref(world, bd.kms_key_id)} if bd.kms_key_id else {}),
            "delete_on_termination": bd.delete_on_termination,
        }
        for bd in image.block_devices
        if bd.is_ebs
    ]
    perms = image.launch_permissions
    grants: dict[str, Any] = {}
    if perms.public:
        grants["public"] = True
    for key, kind in (("accounts", USER), ("organizations", ORG), ("organizational_units", OU)):
        values = [g.value for g in perms.of_kind(kind)]
        if values:
            grants[key] = values
    if grants:
        out["launch_permissions"] = grants
    owner_tags = region.tags.get(image.image_id, image.owner)
    if owner_tags:
        out["tags"] = owner_tags
    others = {
        account: tags
        for account, tags in region.tags.by_account(image.image_id).items()
        if account != image.owner and tags
    }
    if others:
        out["tags_by_account"] = others
    if image.deprecation_time:
        out["deprecation_time"] = image.deprecation_time
    if image.state == DISABLED:
        out["disabled"] = True
    # A lifted protection still cooling down is written as the protection it was: a
    # scenario states no history, and the image stays protected that way.
    if image.protection_cooldown_until and lifecycle.in_cooldown(image, world.clock()):
        out["deregistration_protection"] = PROTECTION_COOLDOWN
    elif image.deregistration_protection != PROTECTION_OFF:
        out["deregistration_protection"] = image.deregistration_protection
    return out
