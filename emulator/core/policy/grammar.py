"""The IAM policy grammar: parse a policy document and refuse anything outside it.

A parsed policy is a tuple of ``Statement`` values whose lists are normalized (a single
string becomes a one-element tuple), so the evaluator never looks at raw JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NoReturn

from emulator.core.errors import Malformed
from emulator.core.policy.conditions import Condition, parse_operator

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL = {"Version", "Id", "Statement"}
_STATEMENT = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
MAX_POLICY_BYTES = 32768  # KMS key policy size limit
# What a document is for: a resource policy (a KMS key policy) names its principals; an
# identity policy (IAM users, roles, managed policies) must not; a role's trust policy names
# principals and no resources.
RESOURCE, IDENTITY, TRUST = "resource", "identity", "trust"
# The messages IAM gives for the rules of identity and trust documents.
NO_PRINCIPAL = "Policy document should not specify a principal."
NEEDS_RESOURCE = "Policy statement must contain resources."
NEEDS_ACTION = "Policy statement must contain actions."
TRUST_NO_RESOURCE = "Has prohibited field Resource."


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    principals: tuple[str, ...] | None  # None: the statement has NotPrincipal
    not_principals: tuple[str, ...] | None
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    conditions: tuple[Condition, ...]

    @property
    def label(self) -> str:
        """How an explanation names the statement: its Sid, else its position."""
        return self.sid if self.sid else f"Statement[{self.index}]"


@dataclass(frozen=True)
class Policy:
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]


def parse_policy(text: str, kind: str = RESOURCE) -> Policy:
    """Parse and validate a policy document of ``kind``; ``Malformed("malformed_policy")``
    if invalid."""
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        _bad(f"Policy exceeds the maximum size of {MAX_POLICY_BYTES} bytes.")
    try:
        doc = json.loads(text)
    except ValueError:
        _bad("Policy is not valid JSON.")
    return policy_from_json(doc, kind)


def policy_from_json(doc: Any, kind: str = RESOURCE) -> Policy:
    if not isinstance(doc, dict):
        _bad("Policy must be a JSON object.")
    unknown = sorted(set(doc) - _TOP_LEVEL)
    if unknown:
        _bad(f"Policy has unknown elements: {', '.join(unknown)}.")
    version = doc.get("Version")
    if version is not None and version not in VERSIONS:
        _bad(f"Policy has an invalid Version: {version}.")
    policy_id = doc.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        _bad("Policy Id must be a string.")
    raw = doc.get("Statement")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        _bad("Policy must contain a Statement list or object.")
    return Policy(version, policy_id, tuple(_statement(i, s, kind) for i, s in enumerate(raw)))


def _statement(index: int, raw: Any, kind: str = RESOURCE) -> Statement:
    if not isinstance(raw, dict):
        _bad("Each statement must be a JSON object.")
    unknown = sorted(set(raw) - _STATEMENT)
    if unknown:
        _bad(f"Statement has unknown elements: {', '.join(unknown)}.")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        _bad("Statement Sid must be a string.")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        _bad(f"Statement has an invalid Effect: {effect}.")
    principals = not_principals = resources = not_resources = None
    if kind == IDENTITY:
        if "Principal" in raw or "NotPrincipal" in raw:
            _bad(NO_PRINCIPAL)
    else:
        principals, not_principals = _pair(raw, "Principal", "NotPrincipal", _principals)
    if kind != RESOURCE and "Action" not in raw and "NotAction" not in raw:
        _bad(NEEDS_ACTION)
    actions, not_actions = _pair(raw, "Action", "NotAction", _actions)
    if kind == TRUST:
        if "Resource" in raw or "NotResource" in raw:
            _bad(TRUST_NO_RESOURCE)
    else:
        if kind == IDENTITY and "Resource" not in raw and "NotResource" not in raw:
            _bad(NEEDS_RESOURCE)
        resources, not_resources = _pair(raw, "Resource", "NotResource", _strings)
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        principals=principals,
        not_principals=not_principals,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        conditions=_conditions(raw.get("Condition", {})),
    )


def _pair(raw: dict, name: str, negated: str, parse: Any) -> tuple[Any, Any]:
    """Exactly one of ``name`` / ``Not<name>`` must be present (key policies need all three)."""
    if (name in raw) == (negated in raw):
        _bad(f"Statement must contain exactly one of {name} or {negated}.")
    if name in raw:
        return parse(raw[name], name), None
    return None, parse(raw[negated], negated)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        _bad(f"{name} must be a string or a non-empty list of strings.")
    return tuple(value)


def _actions(value: Any, name: str) -> tuple[str, ...]:
    actions = _strings(value, name)
    for action in actions:
        if action != "*" and (action.count(":") != 1 or action.startswith(":")):
            _bad(f"{name} {action} is not in the form service:action.")
    return actions


def _principals(value: Any, name: str) -> tuple[str, ...]:
    if value == "*":
        return ("*",)
    if not isinstance(value, dict) or not value:
        _bad(f'{name} must be "*" or an object such as {{"AWS": ...}}.')
    out: list[str] = []
    for kind, entries in value.items():
        if kind not in ("AWS", "Service", "Federated", "CanonicalUser"):
            _bad(f"{name} has an unknown principal type: {kind}.")
        for entry in _strings(entries, name):
            if kind == "AWS" and not _valid_aws_principal(entry):
                _bad("Policy contains a statement with one or more invalid principals.")
            # Only AWS principals can ever be callers here; others are kept but never match.
            out.append(entry if kind == "AWS" else f"{kind}:{entry}")
    return tuple(out)


def _valid_aws_principal(entry: str) -> bool:
    if entry == "*" or (len(entry) == 12 and entry.isdigit()):
        return True
    parts = entry.split(":", 5)
    return (
        len(parts) == 6
        and parts[0] == "arn"
        and parts[1].startswith("aws")
        and parts[2] in ("iam", "sts")
        and len(parts[4]) == 12
        and parts[4].isdigit()
        and bool(parts[5])
    )


def _conditions(raw: Any) -> tuple[Condition, ...]:
    if not isinstance(raw, dict):
        _bad("Condition must be a JSON object.")
    out: list[Condition] = []
    for op_name, block in raw.items():
        op = parse_operator(op_name)
        if op is None:
            _bad(f"Condition uses an unknown operator: {op_name}.")
        if not isinstance(block, dict) or not block:
            _bad(f"Condition {op_name} must map condition keys to values.")
        for key, values in block.items():
            out.append(Condition(op, key, _condition_values(values, op_name, key)))
    return tuple(out)


def _condition_values(value: Any, op_name: str, key: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        _bad(f"Condition {op_name} {key} has no values.")
    out = []
    for item in items:
        # JSON booleans and numbers are written as text, the way IAM reads them.
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, (str, int, float)):
            out.append(str(item))
        else:
            _bad(f"Condition {op_name} {key} values must be strings.")
    return tuple(out)


def _bad(detail: str) -> NoReturn:
    raise Malformed("malformed_policy", detail=detail)
