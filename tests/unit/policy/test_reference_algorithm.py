"""The policy evaluator against a small reference of AWS's documented algorithm.

The reference is written from the IAM User Guide alone ("Policy evaluation logic",
"Condition operators", "Multivalued context keys", "IAM JSON policy elements: Action /
Resource"), as plainly as possible and sharing no code with ``emulator.core.policy``:
wildcards become an anchored regular expression (the inputs here are short), statements are
tried one by one, an explicit Deny wins, then an Allow, else the implicit deny. Hypothesis
draws policies, requests and contexts from small alphabets, so collisions (a wildcard that
matches, a key that is present) are common.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emulator.core.errors import LimitExceeded
from emulator.core.iam.directory import Iam
from emulator.core.iam.principals import USER, Principal
from emulator.core.ids import IdSource
from emulator.core.policy.evaluation import evaluate
from emulator.core.policy.grammar import IDENTITY, RESOURCE, parse_policy

ACCOUNT = "111122223333"
ACTIONS = [
    "ec2:RunInstances",
    "ec2:DescribeImages",
    "ec2:ModifyImageAttribute",
    "kms:Decrypt",
    "kms:CreateGrant",
    "sts:AssumeRole",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "*",
    "ec2:*",
    "ec2:Describe*",
    "ec2:*Image*",
    "EC2:runinstances",
    "kms:?ecrypt",
    "kms:*",
    "sts:Assume*",
]
RESOURCES = [
    "arn:aws:ec2:us-east-1::image/ami-1234",
    "arn:aws:ec2:eu-west-1::image/ami-9999",
    "arn:aws:kms:us-east-1:111122223333:key/k1",
    "*",
]
RESOURCE_PATTERNS = [
    *RESOURCES,
    "arn:aws:ec2:*::image/*",
    "arn:aws:ec2:us-east-1::image/ami-1*",
    "arn:aws:kms:*:111122223333:key/*",
    "arn:aws:ec2:us-east-?::image/*",
]
# One single-valued key, one multivalued key, one that is usually absent.
KEYS = ["aws:RequestedRegion", "aws:TagKeys", "ec2:Owner"]
VALUES = ["us-east-1", "eu-west-1", "team", "cost", "111122223333", "amazon"]
VALUE_PATTERNS = [*VALUES, "us-*", "*", "?u-west-1", "tea*"]
OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringEqualsIfExists",
    "StringNotEqualsIfExists",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "ForAllValues:StringNotLike",
    "Null",
]


# ---------------------------------------------------------------- the reference


def wildcard(pattern: str, value: str, *, fold: bool = False) -> bool:
    """``*`` any run of characters, ``?`` exactly one, everything else literal."""
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.IGNORECASE | re.DOTALL if fold else re.DOTALL
    return re.fullmatch(expression, value, flags) is not None


def value_matches(base: str, request: str, policy: str) -> bool:
    if base in ("StringEquals", "StringNotEquals"):
        return request == policy
    if base == "StringEqualsIgnoreCase":
        return request.lower() == policy.lower()
    return wildcard(policy, request)  # StringLike / StringNotLike


def condition_holds(operator: str, key: str, values: list[str], context: dict) -> bool:
    """The IAM User Guide's rules, case by case."""
    present = context.get(key.lower())
    request = [] if present is None else present
    if operator == "Null":
        # true: the key must be absent; false: present (an empty list counts as absent).
        return any((v == "true") == (not request) for v in values)
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    negated = "Not" in base
    if not request:
        if if_exists:
            return True
        if qualifier == "ForAllValues":
            return True  # vacuously: no value fails
        if qualifier == "ForAnyValue":
            return False
        return negated  # an absent key matches nothing; a negated test then holds

    def one(value: str) -> bool:
        hit = any(value_matches(base, value, p) for p in values)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(v) for v in request)
    if qualifier == "ForAnyValue":
        return any(one(v) for v in request)
    hits = any(value_matches(base, v, p) for v in request for p in values)
    return not hits if negated else hits


def statement_matches(statement: dict, action: str, resource: str, context: dict) -> bool:
    def listed(name: str) -> list[str]:
        value = statement[name]
        return [value] if isinstance(value, str) else value

    if "Action" in statement:
        action_ok = any(wildcard(p, action, fold=True) for p in listed("Action"))
    else:
        action_ok = not any(wildcard(p, action, fold=True) for p in listed("NotAction"))
    if "Resource" in statement:
        resource_ok = any(wildcard(p, resource) for p in listed("Resource"))
    else:
        resource_ok = not any(wildcard(p, resource) for p in listed("NotResource"))
    conditions = statement.get("Condition", {})
    conditions_ok = all(
        condition_holds(op, key, vals if isinstance(vals, list) else [vals], context)
        for op, block in conditions.items()
        for key, vals in block.items()
    )
    return action_ok and resource_ok and conditions_ok


def reference(documents: list[dict], action: str, resource: str, context: dict) -> str:
    """ "Deny" if any matching statement of any document denies, else "Allow" if one allows,
    else "ImplicitDeny"."""
    normalized = {k.lower(): ([v] if isinstance(v, str) else v) for k, v in context.items()}
    effects = {
        s["Effect"]
        for d in documents
        for s in d["Statement"]
        if statement_matches(s, action, resource, normalized)
    }
    if "Deny" in effects:
        return "Deny"
    return "Allow" if "Allow" in effects else "ImplicitDeny"


# ---------------------------------------------------------------- strategies


def one_or_many(pool: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(pool), st.lists(st.sampled_from(pool), min_size=1, max_size=3))


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(0, 2))):
        operator = draw(st.sampled_from(OPERATORS))
        key = draw(st.sampled_from(KEYS))
        values: Any = (
            draw(st.sampled_from(["true", "false"]))
            if operator == "Null"
            else draw(one_or_many(VALUE_PATTERNS))
        )
        out.setdefault(operator, {})[key] = values
    return out


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) else "Action"] = draw(one_or_many(ACTION_PATTERNS))
    statement["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = draw(
        one_or_many(RESOURCE_PATTERNS)
    )
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


documents = st.builds(
    lambda s: {"Version": "2012-10-17", "Statement": s},
    st.lists(statements(), min_size=1, max_size=4),
)


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["aws:RequestedRegion"] = draw(st.sampled_from(VALUES))
    if draw(st.booleans()):
        out["aws:TagKeys"] = draw(st.lists(st.sampled_from(VALUES), max_size=3))
    if draw(st.integers(0, 3)) == 0:
        out["EC2:Owner"] = draw(st.sampled_from(VALUES))  # key names ignore case
    return out


# ---------------------------------------------------------------- the properties


@settings(max_examples=400, deadline=None)
@given(documents, st.sampled_from(ACTIONS), st.sampled_from(RESOURCES), contexts())
def test_one_policy_decides_as_the_documented_algorithm(
    document: dict, action: str, resource: str, context: dict
) -> None:
    decision = evaluate(
        parse_policy(json.dumps(document), IDENTITY),
        principal_account=ACCOUNT,
        action=action,
        resource=resource,
        context=context,
    )
    assert decision.effect == reference([document], action, resource, context)
    assert decision.allowed == (decision.effect == "Allow")


@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from(ACTIONS), st.sampled_from(RESOURCES), contexts())
def test_a_resource_policy_naming_the_caller_decides_the_same(
    document: dict, action: str, resource: str, context: dict
) -> None:
    """A key policy's statements name their principal; naming the caller's account changes
    nothing else in the decision."""
    for statement in document["Statement"]:
        statement["Principal"] = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    decision = evaluate(
        parse_policy(json.dumps(document), RESOURCE),
        principal_account=ACCOUNT,
        action=action,
        resource=resource,
        context=context,
    )
    assert decision.effect == reference([document], action, resource, context)
    outsider = evaluate(
        parse_policy(json.dumps(document), RESOURCE),
        principal_account="444455556666",
        action=action,
        resource=resource,
        context=context,
    )
    assert outsider.effect == "ImplicitDeny"  # no statement names another account


@settings(max_examples=150, deadline=None)
@given(
    st.lists(documents, min_size=1, max_size=3),
    st.integers(0, 3),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    contexts(),
)
def test_a_users_policies_together_decide_as_the_documented_algorithm(
    inline: list[dict], attached: int, action: str, resource: str, context: dict
) -> None:
    """Inline and customer managed policies of one user: a Deny in any wins, then an Allow
    in any, else the implicit deny."""
    iam = Iam(ids=IdSource(1), clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    user = iam.create_user(ACCOUNT, "builder")
    managed, own = inline[:attached], inline[attached:]
    try:
        for i, document in enumerate(own):
            iam.put_inline_policy(ACCOUNT, "user", "builder", f"inline{i}", json.dumps(document))
    except LimitExceeded:
        assume(False)  # IAM keeps at most 2,048 characters of a user's inline policies
    for i, document in enumerate(managed):
        policy = iam.create_policy(ACCOUNT, f"managed{i}", json.dumps(document))
        iam.attach_policy(ACCOUNT, "user", "builder", policy.arn)
    principal = Principal(ACCOUNT, USER, user.arn, user.id, user.name)
    decision = iam.identity_decision(principal, action, resource, context)
    assert decision.effect == reference(inline, action, resource, context)
    assert decision.allowed == (decision.effect == "Allow")
    assert (decision.policy is None) == (decision.effect == "ImplicitDeny")
