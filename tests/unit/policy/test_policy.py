"""The policy evaluator against the IAM documentation's own examples and the reference text.

IAM-ops / IAM-multi: the IAM User Guide pages on condition operators and multivalued
context keys, as quoted in semantics.md §10. The two key policy statements are the ones
reference.md tells users to add.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.core.errors import Malformed
from emulator.core.kms.keys import request_context
from emulator.core.organizations.membership import Membership
from emulator.core.policy.conditions import Condition, holds, normalize_context, parse_operator
from emulator.core.policy.evaluation import PolicyDecision, evaluate
from emulator.core.policy.grammar import parse_policy
from tests.reference_policies import ORG_STATEMENT, OU_STATEMENT

KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def member(*ous: str, org: str = "o-123example") -> Membership:
    return Membership(org, "r-ab12", tuple(ous), "999999999999")


def check_operator(op: str, key: str, values: Any, context: dict[str, Any]) -> bool:
    operator = parse_operator(op)
    assert operator is not None, op
    values = tuple(values) if isinstance(values, list) else (values,)
    return holds(Condition(operator, key, values), normalize_context(context))


# ---------------------------------------------------------------- operators (IAM-ops, IAM-multi)

ABSENT: dict[str, Any] = {}
EMPTY = {"aws:TagKeys": []}


@pytest.mark.parametrize(
    ("op", "values", "context", "expected"),
    [
        # StringEquals: exact and case-sensitive; several policy values are ORed.
        ("StringEquals", "o-123example", {"aws:PrincipalOrgID": "o-123example"}, True),
        ("StringEquals", "O-123EXAMPLE", {"aws:PrincipalOrgID": "o-123example"}, False),
        ("StringEquals", ["o-other", "o-123example"], {"aws:PrincipalOrgID": "o-123example"}, True),
        ("StringEquals", "o-*", {"aws:PrincipalOrgID": "o-123example"}, False),  # * is literal
        ("StringEquals", "o-*", {"aws:PrincipalOrgID": "o-*"}, True),
        # IgnoreCase variants.
        ("StringEqualsIgnoreCase", "O-123EXAMPLE", {"aws:PrincipalOrgID": "o-123example"}, True),
        (
            "StringNotEqualsIgnoreCase",
            "O-123EXAMPLE",
            {"aws:PrincipalOrgID": "o-123example"},
            False,
        ),
        # Negated operators with several values: the request must match none of them.
        ("StringNotEquals", ["o-a", "o-b"], {"aws:PrincipalOrgID": "o-c"}, True),
        ("StringNotEquals", ["o-a", "o-b"], {"aws:PrincipalOrgID": "o-b"}, False),
        ("StringNotLike", ["o-a*", "o-b*"], {"aws:PrincipalOrgID": "o-b1"}, False),
        ("StringNotLike", ["o-a*", "o-b*"], {"aws:PrincipalOrgID": "o-c1"}, True),
        # StringLike: * spans any run (slashes included), ? exactly one character.
        ("StringLike", "o-123*", {"aws:PrincipalOrgID": "o-123example"}, True),
        ("StringLike", "o-123exampl?", {"aws:PrincipalOrgID": "o-123example"}, True),
        ("StringLike", "o-123exampl?", {"aws:PrincipalOrgID": "o-123exampl"}, False),
        ("StringLike", "o-*/ou-x/*", {"aws:PrincipalOrgID": "o-1/r-1/ou-x/ou-y/"}, True),
        ("StringLike", "O-123*", {"aws:PrincipalOrgID": "o-123example"}, False),
        # An absent key: positive operators false, negated operators true.
        ("StringEquals", "x", ABSENT, False),
        ("StringLike", "*", ABSENT, False),
        ("StringNotEquals", "x", ABSENT, True),
        ("StringNotLike", "x", ABSENT, True),
        # ...IfExists makes an absent key true, and acts normally on a present one.
        ("StringEqualsIfExists", "x", ABSENT, True),
        ("StringEqualsIfExists", "x", {"aws:PrincipalOrgID": "y"}, False),
        ("StringLikeIfExists", "y*", {"aws:PrincipalOrgID": "yes"}, True),
        ("StringNotEqualsIfExists", "x", ABSENT, True),
    ],
)
def test_single_valued_operators(op: str, values: Any, context: dict, expected: bool) -> None:
    assert check_operator(op, "aws:PrincipalOrgID", values, context) is expected


@pytest.mark.parametrize(
    ("op", "values", "request_values", "expected"),
    [
        # ForAnyValue: at least one request value matches one policy value.
        ("ForAnyValue:StringEquals", ["a", "b"], ["b", "z"], True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["y", "z"], False),
        # ForAllValues: every request value matches some policy value.
        ("ForAllValues:StringEquals", ["a", "b", "c"], ["a", "b"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "d"], False),
        ("ForAllValues:StringLike", ["dev-*"], ["dev-1", "dev-2"], True),
        # Negated operators under a set qualifier work per request value.
        ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
        ("ForAnyValue:StringNotEquals", ["a"], ["a"], False),
        ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "d"], True),
        ("ForAllValues:StringNotEquals", ["a", "b"], ["a", "c"], False),
        ("ForAnyValue:StringNotLike", ["a*"], ["ab", "ba"], True),
    ],
)
def test_set_operators_on_present_keys(
    op: str, values: list[str], request_values: list[str], expected: bool
) -> None:
    assert check_operator(op, "aws:TagKeys", values, {"aws:TagKeys": request_values}) is expected


@pytest.mark.parametrize("context", [ABSENT, EMPTY], ids=["absent", "empty"])
@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("ForAnyValue:StringEquals", False),
        ("ForAnyValue:StringLike", False),
        ("ForAnyValue:StringNotEquals", False),
        ("ForAllValues:StringEquals", True),  # why the docs warn against it with Allow
        ("ForAllValues:StringLike", True),
        ("ForAllValues:StringNotLike", True),
        ("ForAnyValue:StringEqualsIfExists", True),
        ("StringEquals", False),
        ("StringNotEquals", True),
    ],
)
def test_absent_and_empty_keys(op: str, expected: bool, context: dict) -> None:
    assert check_operator(op, "aws:TagKeys", ["a"], context) is expected


def test_condition_key_names_are_case_insensitive_values_are_not() -> None:
    context = {"aws:PrincipalOrgID": "o-123example"}
    assert check_operator("StringEquals", "AWS:principalorgid", "o-123example", context)
    assert not check_operator("StringEquals", "aws:PrincipalOrgId", "O-123example", context)


def test_null_and_bool_operators() -> None:
    assert check_operator("Null", "aws:PrincipalOrgID", "true", ABSENT)
    assert not check_operator("Null", "aws:PrincipalOrgID", "true", {"aws:PrincipalOrgID": "o-1"})
    assert check_operator("Null", "aws:PrincipalOrgID", "false", {"aws:PrincipalOrgID": "o-1"})
    assert check_operator(
        "Bool", "kms:GrantIsForAWSResource", "true", {"kms:grantisforawsresource": "True"}
    )


@pytest.mark.parametrize(
    "name", ["StringEqualz", "ForSomeValues:StringEquals", "ForAnyValue:Null", "NullIfExists", ""]
)
def test_unknown_operators(name: str) -> None:
    assert parse_operator(name) is None


def test_several_keys_and_several_operators_are_anded() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "aws:PrincipalOrgID": "o-123example",
                "aws:PrincipalAccount": "222222222222",
            },
        },
    }

    def allowed(account: str) -> bool:
        return evaluate(
            policy(statement),
            principal_account=account,
            action="kms:Decrypt",
            resource=KEY,
            context=request_context(account, member()),
        ).allowed

    assert allowed("222222222222")
    assert not allowed("333333333333")


# ---------------------------------------------------------------- the reference statements


def decide(
    statement: dict, account: str, membership: Membership | None, action: str = "kms:Decrypt"
) -> PolicyDecision:
    return evaluate(
        policy(statement),
        principal_account=account,
        action=action,
        resource=KEY,
        context=request_context(account, membership),
    )


@pytest.mark.parametrize(
    ("membership", "action", "expected"),
    [
        (member(), "kms:Decrypt", True),
        (member("ou-ab12-11111111", "ou-ab12-44444444"), "kms:DescribeKey", True),
        (member(), "kms:GenerateDataKeyWithoutPlaintext", True),
        (member(), "kms:ReEncryptFrom", True),
        (member(), "kms:CreateGrant", False),  # not in the documented statement
        (member(), "kms:PutKeyPolicy", False),
        (member(org="o-otherorg00"), "kms:Decrypt", False),
        (None, "kms:Decrypt", False),  # standalone: aws:PrincipalOrgID is absent
    ],
)
def test_org_statement(membership: Membership | None, action: str, expected: bool) -> None:
    decision = decide(ORG_STATEMENT, "222222222222", membership, action)
    assert decision.allowed is expected
    if expected:
        assert decision.statement == "Allow access for Org Admin"
        assert decision.effect == "Allow"
    else:
        assert (decision.effect, decision.statement) == ("ImplicitDeny", None)


@pytest.mark.parametrize(
    ("ous", "expected"),
    [
        (("ou-ab12-33333333",), True),  # directly in the OU
        (("ou-ab12-33333333", "ou-ab12-55555555"), True),  # below it
        (("ou-ab12-11111111", "ou-ab12-22222222"), False),  # the path must start at the root
        (("ou-ab12-22222222",), True),
        (("ou-ab12-22222222", "ou-ab12-66666666", "ou-ab12-77777777"), True),
        (("ou-ab12-11111111",), False),  # a sibling OU
        ((), False),  # directly under the root
    ],
)
def test_ou_paths_statement(ous: tuple[str, ...], expected: bool) -> None:
    assert decide(OU_STATEMENT, "222222222222", member(*ous)).allowed is expected


def test_ou_paths_statement_needs_the_same_organization() -> None:
    other = Membership("o-otherorg00", "r-ab12", ("ou-ab12-33333333",), "999999999999")
    assert not decide(OU_STATEMENT, "222222222222", other).allowed


def test_request_context() -> None:
    m = member("ou-ab12-11111111", "ou-ab12-22222222")
    assert request_context("222222222222", m) == {
        "aws:PrincipalAccount": "222222222222",
        "aws:PrincipalArn": "arn:aws:iam::222222222222:root",
        "aws:PrincipalType": "Account",
        "aws:PrincipalOrgID": "o-123example",
        "aws:PrincipalOrgPaths": ["o-123example/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"],
    }
    standalone = request_context("222222222222", None)
    assert "aws:PrincipalOrgID" not in standalone
    assert "aws:PrincipalOrgPaths" not in standalone


# ---------------------------------------------------------------- principals, actions, resources


def allow(**elements: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", **elements}


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", True),
        ({"AWS": "*"}, True),
        ({"AWS": "arn:aws:iam::222222222222:root"}, True),
        ({"AWS": "222222222222"}, True),
        ({"AWS": ["333333333333", "arn:aws:iam::222222222222:root"]}, True),
        ({"AWS": "arn:aws:iam::333333333333:root"}, False),
        ({"AWS": "333333333333"}, False),
        ({"AWS": "arn:aws:iam::222222222222:user/bob"}, False),  # a user is not the root
        ({"Service": "ec2.amazonaws.com"}, False),
    ],
)
def test_principal_forms(principal: Any, expected: bool) -> None:
    assert decide(allow(Principal=principal), "222222222222", None).allowed is expected


def test_not_principal() -> None:
    statement = {**allow(), "NotPrincipal": {"AWS": "333333333333"}}
    del statement["Principal"]
    assert decide(statement, "222222222222", None).allowed
    assert not decide(statement, "333333333333", None).allowed


@pytest.mark.parametrize(
    ("action_element", "action", "expected"),
    [
        ("kms:Describe*", "kms:DescribeKey", True),
        ("kms:Describe*", "kms:Decrypt", False),
        ("KMS:describekey", "kms:DescribeKey", True),  # action names ignore case
        ("kms:describe*", "kms:DescribeKey", True),
        ("kms:*", "kms:PutKeyPolicy", True),
        ("*", "kms:PutKeyPolicy", True),
        ("kms:Get?eyPolicy", "kms:GetKeyPolicy", True),
        ("ec2:*", "kms:Decrypt", False),
        (["kms:Encrypt", "kms:Decrypt"], "kms:Decrypt", True),
    ],
)
def test_action_matching(action_element: Any, action: str, expected: bool) -> None:
    assert decide(allow(Action=action_element), "222222222222", None, action).allowed is expected


def test_not_action() -> None:
    statement = {**allow(), "NotAction": "kms:PutKeyPolicy"}
    del statement["Action"]
    assert decide(statement, "222222222222", None, "kms:Decrypt").allowed
    assert not decide(statement, "222222222222", None, "kms:PutKeyPolicy").allowed


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("*", True),
        (KEY, True),
        ("arn:aws:kms:us-east-1:111111111111:key/*", True),
        ("arn:aws:kms:*:111111111111:*", True),
        ("arn:aws:kms:us-east-1:333333333333:key/*", False),
        ("arn:aws:kms:us-east-1:111111111111:alias/*", False),
    ],
)
def test_resource_matching(resource: str, expected: bool) -> None:
    assert decide(allow(Resource=resource), "222222222222", None).allowed is expected


def test_not_resource() -> None:
    statement = {**allow(), "NotResource": KEY}
    del statement["Resource"]
    assert not decide(statement, "222222222222", None).allowed


# ---------------------------------------------------------------- Deny wins, explanations


@pytest.mark.parametrize("deny_first", [True, False])
def test_explicit_deny_wins_whatever_the_order(deny_first: bool) -> None:
    deny = {
        "Sid": "NoDecrypt",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    statements = [deny, allow(Sid="All")] if deny_first else [allow(Sid="All"), deny]
    decision = evaluate(
        policy(*statements),
        principal_account="222222222222",
        action="kms:Decrypt",
        resource=KEY,
        context={},
    )
    assert (decision.allowed, decision.effect, decision.statement) == (False, "Deny", "NoDecrypt")
    assert "explicitly denied" in decision.reason


def test_a_deny_whose_condition_fails_does_not_apply() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-123example"}},
    }
    assert decide(deny, "222222222222", member()).effect == "ImplicitDeny"
    text = policy(allow(), deny)

    def run(membership: Membership | None) -> PolicyDecision:
        return evaluate(
            text,
            principal_account="222222222222",
            action="kms:Decrypt",
            resource=KEY,
            context=request_context("222222222222", membership),
        )

    inside, outside = run(member()), run(None)
    assert inside.allowed
    assert (outside.effect, outside.statement) == ("Deny", "Statement[1]")


def test_statement_without_sid_is_named_by_position() -> None:
    decision = evaluate(
        policy({"Sid": "a", **allow(Action="ec2:*")}, allow()),
        principal_account="222222222222",
        action="kms:Decrypt",
        resource=KEY,
        context={},
    )
    assert decision.statement == "Statement[1]"
    assert "Statement[1]" in decision.reason


# ---------------------------------------------------------------- grammar


def test_single_statement_object_and_scalar_elements_are_accepted() -> None:
    parsed = parse_policy(json.dumps({"Statement": allow(Action="kms:Decrypt", Sid="s")}))
    assert parsed.statements[0].actions == ("kms:Decrypt",)
    assert parsed.statements[0].sid == "s"


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "[]",
        json.dumps({"Statement": []}),
        json.dumps({"Version": "2012-10-17"}),
        json.dumps({"Version": "2020-01-01", "Statement": [allow()]}),
        json.dumps({"Statement": [allow()], "Extra": 1}),
        json.dumps({"Statement": [{**allow(), "Sids": "x"}]}),
        json.dumps({"Statement": [{**allow(), "Effect": "allow"}]}),
        json.dumps({"Statement": [{**allow(), "Principal": "someone"}]}),
        json.dumps({"Statement": [{**allow(), "Principal": {"AWS": "bob"}}]}),
        json.dumps({"Statement": [{**allow(), "Principal": {"Person": "x"}}]}),
        json.dumps({"Statement": [{**allow(), "Action": 5}]}),
        json.dumps({"Statement": [{**allow(), "Action": []}]}),
        json.dumps({"Statement": [{**allow(), "Action": "Decrypt"}]}),
        json.dumps({"Statement": [{**allow(), "NotAction": "kms:Decrypt"}]}),
        json.dumps({"Statement": [{k: v for k, v in allow().items() if k != "Resource"}]}),
        json.dumps({"Statement": [{k: v for k, v in allow().items() if k != "Principal"}]}),
        json.dumps({"Statement": [{**allow(), "Condition": {"StringEqualz": {"a": "b"}}}]}),
        json.dumps({"Statement": [{**allow(), "Condition": {"StringEquals": {"a": {"b": 1}}}}]}),
        json.dumps({"Statement": [{**allow(), "Condition": {"StringEquals": "a"}}]}),
        json.dumps({"Statement": [{**allow(), "Condition": {"StringEquals": {"a": []}}}]}),
        json.dumps({"Statement": [{**allow(), "Condition": []}]}),
        json.dumps({"Statement": ["x"]}),
    ],
)
def test_malformed_documents(document: str) -> None:
    with pytest.raises(Malformed) as err:
        parse_policy(document)
    assert err.value.reason == "malformed_policy"
    assert err.value.details["detail"]


def test_condition_values_may_be_json_booleans_and_numbers() -> None:
    parsed = parse_policy(
        json.dumps({"Statement": allow(Condition={"Bool": {"kms:GrantIsForAWSResource": True}})})
    )
    assert parsed.statements[0].conditions[0].values == ("true",)
