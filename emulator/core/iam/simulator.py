"""What the policy simulator is asked, checked and gathered as IAM does, and its answer paged.

The handlers of SimulatePrincipalPolicy and SimulateCustomPolicy hand over the request's
parts; this names each input document as IAM names it, reads a user's or role's policies,
checks the ARNs and typed context entries, and decides each (action, resource) pair of one
page with ``simulation.simulate``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from emulator.core.errors import InvalidValue, Malformed, NotFound
from emulator.core.iam.principals import SESSION, Principal
from emulator.core.iam.principals import USER as USER_KIND
from emulator.core.iam.records import ManagedPolicy, Role, User
from emulator.core.iam.simulation import (
    ALLOWED,
    AWS_MANAGED,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    NONE,
    RESOURCE,
    ROLE,
    USER,
    USER_MANAGED,
    Caller,
    Question,
    Result,
    SimPolicy,
    Verdict,
    sim_policy,
    simulate,
    verdict,
)
from emulator.core.iam.store import page
from emulator.core.policy.conditions import normalize_context
from emulator.core.policy.grammar import IDENTITY
from emulator.core.policy.grammar import RESOURCE as RESOURCE_KIND

# arn:<partition>:iam::<account>:user|role|group<path><name>
ENTITY_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):"
    r"(?P<kind>user|role|group)(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)"
)
ROOT_ARN = re.compile(r"arn:aws[a-z-]*:iam::(?P<account>\d{12}):root")
ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+")
SINGLE_TYPES = ("string", "numeric", "boolean", "ip", "binary", "date")
ORGANIZATION_INPUT = "OrderedOrganizationPolicyInputList"
SESSION_NAME = "simulation"  # a role is simulated as a session of it with this name


@dataclass(frozen=True)
class ContextEntry:
    name: str | None
    type: str | None  # string | stringList | numeric | ... | dateList
    values: tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    """One PolicyExclusionList entry: by type, by ARN, or an inline policy by name."""

    policy_type: str | None = None
    policy_arn: str | None = None
    inline_name: str | None = None
    attachment_type: str | None = None
    attachment_name: str | None = None


def invalid(detail: str) -> InvalidValue:
    return InvalidValue("simulation_input", detail=detail)


def check_actions(actions: Sequence[str]) -> None:
    for action in actions:
        if not ACTION.fullmatch(action):
            raise invalid(f"Actions must be in the format service:action: {action}.")


def check_resources(arns: Sequence[str]) -> None:
    for arn in arns:
        if arn != "*" and not (arn.startswith("arn:") and arn.count(":") >= 5):
            raise invalid(f"ResourceNames are not in a valid ARN format: {arn}.")


def inputs(member: str, texts: Sequence[str]) -> list[SimPolicy]:
    """The identity documents of one input list, named ``<member>.<n>`` as IAM names them."""
    return [parsed(f"{member}.{n}", NONE, text) for n, text in enumerate(texts, start=1)]


def parsed(policy_id: str, source_type: str, text: str, kind: str = IDENTITY) -> SimPolicy:
    try:
        return sim_policy(policy_id, source_type, text, kind)
    except Malformed as err:
        raise invalid(f"{policy_id}: {err.details.get('detail', 'invalid policy')}") from None


def typed_context(entries: Sequence[ContextEntry]) -> dict[str, list[str]]:
    """ContextEntries as the evaluator reads them: each value checked against its type
    (a boolean is written lowercase, as policies compare it)."""
    out: dict[str, list[str]] = {}
    for entry in entries:
        name, kind = entry.name, entry.type
        if not name:
            raise invalid("ContextKeyName is required in each ContextEntries element.")
        if kind is None or not entry.values:
            raise invalid(f"Context key {name} needs a ContextKeyType and ContextKeyValues.")
        if kind in SINGLE_TYPES and len(entry.values) > 1:
            raise invalid(f"Context key {name} of type {kind} takes exactly one value.")
        out[name] = [_typed(name, kind.removesuffix("List"), v) for v in entry.values]
    return out


def _typed(name: str, kind: str, value: str) -> str:
    try:
        if kind == "numeric":
            float(value)
        elif kind == "boolean":
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return value.lower()
        elif kind == "ip":
            ipaddress.ip_network(value, strict=False)
        elif kind == "binary":
            base64.b64decode(value, validate=True)
        elif kind == "date" and not value.isdigit():
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, binascii.Error):
        raise invalid(f"Invalid value {value} for context key {name} of type {kind}.") from None
    return value


def resource_owner(owner: str | None) -> str | None:
    """ResourceOwner: the owning account, as its root ARN (IAM refuses a bare id)."""
    if owner is None:
        return None
    match = ROOT_ARN.fullmatch(owner)
    if match is None:
        raise invalid(f"'{owner}' is not a valid as a Resource Owner.")
    return match["account"]


def caller(arn: str | None) -> Caller | None:
    """CallerArn: only an IAM user's ARN."""
    if arn is None:
        return None
    match = ENTITY_ARN.fullmatch(arn)
    if match is None or match["kind"] != "user":
        raise invalid(f"Invalid CallerArn: {arn}. CallerArn must be the ARN of an IAM user.")
    return Caller(match["account"], (arn,))


def resource_policy(text: str | None, who: Caller | None) -> SimPolicy | None:
    if text is None:
        return None
    if who is None:
        raise invalid("CallerArn is required when a ResourcePolicy is included.")
    return parsed("ResourcePolicy", RESOURCE, text, RESOURCE_KIND)


def is_user_arn(arn: str) -> bool:
    match = ENTITY_ARN.fullmatch(arn)
    return match is not None and match["kind"] == "user"


def find_entity(
    find: Callable[[str, str, str], User | Role | None], account: str, arn: str
) -> User | Role:
    """The user or role ``arn`` names in ``account`` (the caller's: another account's
    entities are not found). ``find(account, kind, name)`` looks it up."""
    match = ENTITY_ARN.fullmatch(arn)
    if match is None:
        raise invalid(f"Invalid Entity Arn: {arn} does not clearly define entity type and name.")
    name, kind = match["name"], match["kind"]
    entity = find(account, kind, name) if match["account"] == account else None
    if entity is None or entity.arn != arn:
        raise NotFound(f"{kind}_not_found", name=name)
    return entity


def simulated_principal(entity: User | Role) -> Principal:
    """Who the simulated calls act as: the user, or a session of the role."""
    if isinstance(entity, User):
        return Principal(entity.account, USER_KIND, entity.arn, entity.id, entity.name)
    arn = f"arn:{entity.partition}:sts::{entity.account}:assumed-role/{entity.name}/{SESSION_NAME}"
    return Principal(
        entity.account, SESSION, arn, f"{entity.id}:{SESSION_NAME}", entity.name, entity.arn
    )


def entity_policies(
    entity: User | Role,
    managed: Callable[[str], ManagedPolicy | None],
    exclusions: Sequence[Exclusion],
) -> list[SimPolicy]:
    """The identity policies of a user or role: inline ones first, then the attached
    managed ones, less the exclusions."""
    kind = "user" if isinstance(entity, User) else "role"
    out = [
        parsed(policy_name, USER if kind == "user" else ROLE, text)
        for policy_name, text in entity.inline.items()
        if not _excluded(exclusions, "inline", kind, entity.name, policy_name)
    ]
    for policy_arn in entity.attached:
        policy = managed(policy_arn)
        source = AWS_MANAGED if ":iam::aws:policy/" in policy_arn else USER_MANAGED
        if policy is None or _excluded(exclusions, source, kind, entity.name, policy_arn):
            continue
        out.append(parsed(policy.name, source, policy.document))
    return out


def _excluded(
    exclusions: Sequence[Exclusion], source: str, kind: str, entity: str, name: str
) -> bool:
    """Whether PolicyExclusionList leaves the policy out: by its type, by ARN (a managed
    one), or by name and the entity it is attached to (an inline one)."""
    for entry in exclusions:
        if entry.policy_type == source or entry.policy_arn == name:
            return True
        attached = entry.attachment_type in (None, kind) and entry.attachment_name in (None, entity)
        if source == "inline" and entry.inline_name == name and attached:
            return True
    return False


def organization_levels(levels: Sequence[Sequence[str]]) -> list[list[SimPolicy]]:
    """OrderedOrganizationPolicyInputList: the SCPs of each level, root first, account last;
    each named ``OrderedOrganizationPolicyInputList.<level>.<n>``."""
    return [
        [
            parsed(f"{ORGANIZATION_INPUT}.{level}.{n}", NONE, text)
            for n, text in enumerate(texts, start=1)
        ]
        for level, texts in enumerate(levels, start=1)
    ]


def organization(
    levels: Sequence[Sequence[SimPolicy]], context: dict[str, list[str]]
) -> Callable[[str, str], Verdict]:
    """The SCPs' verdict: each level must allow (one of its SCPs), and none may deny."""
    keys = normalize_context(context)

    def decide(action: str, resource: str) -> Verdict:
        verdicts = [verdict(level, action, resource, keys) for level in levels]
        denies = tuple(m for v in verdicts if v.decision == EXPLICIT_DENY for m in v.matched)
        if denies:
            return Verdict(EXPLICIT_DENY, denies)
        if all(v.decision == ALLOWED for v in verdicts):
            return Verdict(ALLOWED, tuple(m for v in verdicts for m in v.matched))
        return Verdict(IMPLICIT_DENY, ())

    return decide


def answer(
    question: Question,
    actions: Sequence[str],
    resources: Sequence[str],
    marker: str | None,
    max_items: int | None,
) -> tuple[list[Result], str | None]:
    """Every (action, resource) pair in order (resource ``*`` when none is named), one
    page of them decided, and the next page's marker."""
    pairs = [(a, r) for a in actions for r in resources or ["*"]]
    numbered = [(f"{i:08d}", pair) for i, pair in enumerate(pairs)]
    chosen, next_marker = page(numbered, lambda item: item[0], marker, max_items)
    return [simulate(question, *pair) for _, pair in chosen], next_marker
