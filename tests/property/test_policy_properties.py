"""Properties of the policy evaluator: Deny wins, wildcards, set operators, OU path patterns."""

from __future__ import annotations

import fnmatch
import json

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.kms.keys import request_context
from emulator.core.organizations.membership import Membership
from emulator.core.policy.conditions import (
    Condition,
    holds,
    like,
    normalize_context,
    parse_operator,
)
from emulator.core.policy.evaluation import evaluate

KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:PutKeyPolicy", "kms:GetKeyPolicy"]
ACTION_PATTERNS = [*ACTIONS, "kms:*", "*", "kms:Describe*", "kms:Get*", "kms:?ecrypt", "ec2:*"]
BASES = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
]

statements = st.lists(
    st.fixed_dictionaries(
        {
            "Effect": st.sampled_from(["Allow", "Deny"]),
            "Principal": st.sampled_from(["*", {"AWS": "222222222222"}, {"AWS": "333333333333"}]),
            "Action": st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3),
            "Resource": st.sampled_from(["*", KEY, "arn:aws:kms:*:111111111111:key/*"]),
        }
    ),
    max_size=6,
)


@given(statements, st.sampled_from(ACTIONS), st.data())
def test_a_matching_deny_beats_every_allow(
    body: list[dict], action: str, data: st.DataObject
) -> None:
    deny = {"Sid": "Deny", "Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}
    at = data.draw(st.integers(0, len(body)))
    document = json.dumps({"Statement": [*body[:at], deny, *body[at:]]})
    decision = evaluate(
        document, principal_account="222222222222", action=action, resource=KEY, context={}
    )
    assert (decision.allowed, decision.effect) == (False, "Deny")


@given(statements, st.sampled_from(ACTIONS))
def test_allowed_exactly_when_some_allow_applies_and_no_deny(body: list[dict], action: str) -> None:
    if not body:
        return

    def applies(s: dict) -> bool:
        principal = s["Principal"] == "*" or s["Principal"]["AWS"] == "222222222222"
        return principal and any(fnmatch.fnmatchcase(action, p) for p in s["Action"])

    decision = evaluate(
        json.dumps({"Statement": body}),
        principal_account="222222222222",
        action=action,
        resource=KEY,
        context={},
    )
    denied = any(applies(s) for s in body if s["Effect"] == "Deny")
    allowed = any(applies(s) for s in body if s["Effect"] == "Allow")
    assert decision.allowed == (allowed and not denied)


# Characters that mean something to a regex, a slash, and the two wildcards; no "[" since
# fnmatch (the reference) gives it a meaning IAM does not.
PATTERN_CHARS = "ab/.+()$^\\*?"
VALUE_CHARS = "ab/.+()$^\\*?\n"


@given(st.text(PATTERN_CHARS, max_size=8), st.text(VALUE_CHARS, max_size=8))
def test_string_like_matches_what_fnmatch_matches(pattern: str, value: str) -> None:
    # fnmatchcase: case-sensitive, "*" crosses "/", "?" is one character.
    assert like(value, pattern) == fnmatch.fnmatchcase(value, pattern)


@given(
    st.sampled_from(BASES),
    st.lists(st.text("ab*", min_size=1, max_size=3), min_size=1, max_size=3),
    st.sampled_from([{}, {"aws:TagKeys": []}]),
    st.booleans(),
)
def test_set_operators_on_absent_or_empty_keys(
    base: str, values: list[str], context: dict, if_exists: bool
) -> None:
    suffix = "IfExists" if if_exists else ""
    any_op = parse_operator(f"ForAnyValue:{base}{suffix}")
    all_op = parse_operator(f"ForAllValues:{base}{suffix}")
    assert any_op is not None and all_op is not None
    keys = normalize_context(context)
    assert holds(Condition(all_op, "aws:TagKeys", tuple(values)), keys)
    assert holds(Condition(any_op, "aws:TagKeys", tuple(values)), keys) is if_exists


# ---------------------------------------------------------------- OU path patterns

ORG, ROOT = "o-123example", "r-ab12"


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[str], dict[str, str | None], list[str | None]]:
    """OU ids (some prefixes of others), each OU's parent (None: the root), and where each
    account sits (None: directly under the root)."""
    suffixes = draw(st.lists(st.text("12", min_size=8, max_size=10), unique=True, max_size=8))
    ous = [f"ou-ab12-{s}" for s in suffixes]
    parents: dict[str, str | None] = {}
    for i, ou in enumerate(ous):
        parents[ou] = draw(st.sampled_from([None, *ous[:i]]))
    accounts = draw(st.lists(st.sampled_from([None, *ous]), min_size=1, max_size=8))
    return ous, parents, accounts


def chain(ou: str | None, parents: dict[str, str | None]) -> tuple[str, ...]:
    path: list[str] = []
    while ou is not None:
        path.insert(0, ou)
        ou = parents[ou]
    return tuple(path)


@given(trees())
def test_an_ou_path_pattern_matches_exactly_the_accounts_below_the_ou(tree: tuple) -> None:
    ous, parents, accounts = tree
    for target in ous:
        pattern = "/".join((ORG, ROOT, *chain(target, parents))) + "/*"
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": ORG},
                "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [pattern]},
            },
        }
        document = json.dumps({"Statement": [statement]})
        for parent in accounts:
            membership = Membership(ORG, ROOT, chain(parent, parents), "999999999999")
            decision = evaluate(
                document,
                principal_account="222222222222",
                action="kms:Decrypt",
                resource=KEY,
                context=request_context("222222222222", membership),
            )
            assert decision.allowed == (target in membership.ou_path)
