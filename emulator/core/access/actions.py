"""The action table: each served operation's IAM actions, resource ARNs and condition keys.

Data from the Service Authorization Reference, shipped as ``actions.json`` and read once. The
gate asks it which actions a call is, on which ARNs (built from the request's parameters),
and which condition keys a policy may see for each action.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_files
from typing import Any

from emulator.core.organizations.membership import Membership

# Keys every action sees (IAM User Guide, "AWS global condition context keys"); the
# service-specific ones (aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/*) are listed per
# action in the table.
GLOBAL_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalType",
        "aws:PrincipalIsAWSService",
        "aws:userid",
        "aws:username",
        "aws:RequestedRegion",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:SecureTransport",
        "aws:ViaAWSService",
        "aws:CalledVia",
    )
)
GLOBAL_PREFIXES = ("aws:principaltag/",)  # aws:PrincipalTag/${TagKey}
_PLACEHOLDER = re.compile(r"\$\{[A-Za-z]+\}")
_TEMPLATED = "/${TagKey}"


@dataclass(frozen=True)
class ResourceType:
    type: str
    arn: str  # the ARN format, with ${Partition}, ${Region}, ${Account}, ... and the id
    parameter: str | None  # the request parameter (dotted for nested) naming the id(s)
    when: str | None = None  # the id prefix that picks this type (an OU or a root id)


@dataclass(frozen=True)
class ActionEntry:
    service: str
    operation: str
    actions: tuple[str, ...]  # one, or ReEncrypt's two (paired with its two resources)
    resources: tuple[ResourceType, ...]  # none: the action has no resource type ("*")
    condition_keys: tuple[str, ...]


@cache
def _table() -> dict[tuple[str, str], ActionEntry]:
    text = package_files.files(__package__).joinpath("actions.json").read_text("utf-8")
    out: dict[tuple[str, str], ActionEntry] = {}
    for service, operations in json.loads(text)["services"].items():
        for name, raw in operations.items():
            actions = raw["action"] if isinstance(raw["action"], list) else [raw["action"]]
            out[(service, name)] = ActionEntry(
                service,
                name,
                tuple(actions),
                tuple(ResourceType(**r) for r in raw["resources"]),
                tuple(raw["condition_keys"]),
            )
    return out


def entry(service: str, operation: str) -> ActionEntry | None:
    return _table().get((service, operation))


def entries() -> list[ActionEntry]:
    return list(_table().values())


@cache
def _keys_by_action() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """action (lower case) -> (exact keys, prefixes of the templated ones), lower case."""
    merged: dict[str, set[str]] = {}
    for item in _table().values():
        for action in item.actions:
            merged.setdefault(action.lower(), set()).update(item.condition_keys)
    out = {}
    for action, keys in merged.items():
        exact = frozenset(k.lower() for k in keys if _TEMPLATED not in k and "${" not in k)
        prefixes = tuple(k.split("${", 1)[0].lower() for k in keys if "${" in k)
        out[action] = (exact, prefixes)
    return out


def visible(action: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``context`` a policy sees for ``action``: the global keys and the keys
    the table lists for it. An action the table does not know sees the whole context."""
    known = _keys_by_action().get(action.lower())
    if known is None:
        return dict(context)
    exact, prefixes = known
    return {
        key: value
        for key, value in context.items()
        if (low := key.lower()) in GLOBAL_KEYS
        or low in exact
        or low.startswith(prefixes)
        or low.startswith(GLOBAL_PREFIXES)
    }


def _values(params: Mapping[str, Any], dotted: str) -> list[str]:
    value: Any = params
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return []
        value = value.get(part)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, (str, int)) and str(v)]


def resource_arns(
    item: ActionEntry,
    params: Mapping[str, Any],
    *,
    partition: str,
    region: str,
    account: str,
    membership: Membership | None,
    resolve: Any = None,
    defaults: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(resource type, ARN) for each resource the call names; [("", "*")] when the action has
    no resource type. A type whose id the request does not give (what the call creates)
    gets ``*`` for the id (or its entry in ``defaults``); ``resolve(type, value)`` may
    turn a name into the ARN (a KMS alias into its key's ARN)."""
    if not item.resources:
        return [("", "*")]
    out: list[tuple[str, str]] = []
    for rtype in item.resources:
        ids = _values(params, rtype.parameter) if rtype.parameter else []
        if not ids and defaults and rtype.type in defaults:
            ids = [defaults[rtype.type]]  # IAM's key calls default to the calling user
        if rtype.when is not None:
            ids = [i for i in ids if (i.startswith(rtype.when) if rtype.when else i.isdigit())]
            if not ids:
                continue
        for value in ids or ["*"]:
            resolved = resolve(rtype.type, value) if resolve and value != "*" else None
            if resolved:
                out.append((rtype.type, resolved))
            elif value.startswith("arn:"):
                out.append((rtype.type, value))
            else:
                out.append(
                    (rtype.type, _fill(rtype.arn, value, partition, region, account, membership))
                )
    return out or [("", "*")]


def _fill(
    template: str,
    value: str,
    partition: str,
    region: str,
    account: str,
    membership: Membership | None,
) -> str:
    org = membership.org_id if membership else "o-*"
    management = membership.management_account if membership else "*"
    text = (
        template.replace("${Partition}", partition)
        .replace("${Region}", region)
        .replace("${Account}", account)
        .replace("${MasterAccountId}", management)
        .replace("o-${OrganizationId}", org)
    )
    # What is left is the resource's own id (the last placeholder).
    return _PLACEHOLDER.sub(lambda _: value, text)
