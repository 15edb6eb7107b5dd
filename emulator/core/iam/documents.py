"""IAM's checks of the policy documents it stores: identity policies and role trust policies.

A document is first held to the API's character rules (ValidationError), then parsed by
core.policy's grammar; a document that fails answers MalformedPolicyDocument in IAM's words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

from emulator.core.errors import Malformed
from emulator.core.iam.records import DOCUMENT, MAX_DOCUMENT, Checks
from emulator.core.policy.grammar import (
    IDENTITY,
    NEEDS_ACTION,
    NEEDS_RESOURCE,
    NO_PRINCIPAL,
    TRUST,
    TRUST_NO_RESOURCE,
    Policy,
    parse_policy,
)

# The messages IAM answers itself; any other grammar failure is IAM's "Syntax errors in policy."
_OWN_MESSAGES = (NO_PRINCIPAL, NEEDS_RESOURCE, NEEDS_ACTION, TRUST_NO_RESOURCE)
INVALID_JSON = "This policy contains invalid Json"
SYNTAX = "Syntax errors in policy."
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
# The actions a trust policy may name (IAM User Guide, "Role trust policies").
_TRUST_ACTIONS = frozenset(
    a.lower()
    for a in (
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
        "sts:*",
        "*",
    )
)


def check_characters(member: str, document: str) -> None:
    checks = Checks()
    checks.text(member, document, longest=MAX_DOCUMENT, pattern=DOCUMENT)
    checks.done()


def _parse(document: str, kind: str) -> Policy:
    try:
        json.loads(document)
    except ValueError:
        raise Malformed("malformed_policy", detail=INVALID_JSON) from None
    try:
        return parsed(document, kind)
    except Malformed as err:
        detail = err.details.get("detail")
        raise Malformed(
            "malformed_policy", detail=detail if detail in _OWN_MESSAGES else SYNTAX
        ) from None


@lru_cache(maxsize=1024)  # bounded: the same stored documents are evaluated on every call
def parsed(document: str, kind: str = IDENTITY) -> Policy:
    """A stored document, parsed once (it was checked when it was stored)."""
    return parse_policy(document, kind)


def check_identity_policy(document: str, member: str = "policyDocument") -> Policy:
    check_characters(member, document)
    return _parse(document, IDENTITY)


def check_trust_policy(document: str, principal_exists: Callable[[str], bool]) -> Policy:
    """A role's trust policy: only STS's AssumeRole actions, and every user or role ARN it
    names must exist (IAM keeps the principal's id; a missing one answers "Invalid
    principal in policy")."""
    check_characters("policyDocument", document)
    policy = _parse(document, TRUST)
    for statement in policy.statements:
        for action in statement.actions or statement.not_actions or ():
            if action.lower() not in _TRUST_ACTIONS:
                raise Malformed("malformed_policy", detail=TRUST_ACTIONS)
        for entry in statement.principals or statement.not_principals or ():
            if (":user/" in entry or ":role/" in entry) and not principal_exists(entry):
                raise Malformed(
                    "malformed_policy", detail=f'Invalid principal in policy: "AWS":"{entry}"'
                )
    return policy


def trusted_principals(document: str) -> list[str]:
    """The principals a stored trust policy's Allow statements name, as written (the
    console shows them)."""
    found: list[str] = []
    for statement in parsed(document, TRUST).statements:
        if statement.effect == "Allow":
            found += [p for p in statement.principals or () if p not in found]
    return found
