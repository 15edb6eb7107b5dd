"""IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy.

The handlers hand the request's parts to ``core.iam.simulator`` (which gathers and checks
them as IAM does and decides with the policy evaluator) and shape its answer: one
EvaluationResult per (action, resource), paged with MaxItems / Marker.
"""

from __future__ import annotations

from typing import Any

from emulator.api.registry import Call, operation
from emulator.core.iam import simulator
from emulator.core.iam.simulation import Match, Question, Result
from emulator.core.iam.simulator import ContextEntry, Exclusion

Params = dict[str, Any]


def _context(p: Params) -> dict[str, list[str]]:
    return simulator.typed_context(
        [
            ContextEntry(
                e.get("ContextKeyName"),
                e.get("ContextKeyType"),
                tuple(e.get("ContextKeyValues") or ()),
            )
            for e in p.get("ContextEntries") or []
        ]
    )


def _exclusions(p: Params) -> list[Exclusion]:
    out = []
    for entry in p.get("PolicyExclusionList") or []:
        inline = entry.get("InlinePolicyIdentifier") or {}
        out.append(
            Exclusion(
                entry.get("PolicyType"),
                entry.get("PolicyArn"),
                inline.get("PolicyName"),
                inline.get("AttachmentType"),
                inline.get("AttachmentName"),
            )
        )
    return out


def _statement(match: Match) -> dict[str, Any]:
    out: dict[str, Any] = {
        "SourcePolicyId": match.policy.id,
        "SourcePolicyType": match.policy.type,
    }
    span = match.span
    if span is not None:
        out["StartPosition"] = {"Line": span.start.line, "Column": span.start.column}
        out["EndPosition"] = {"Line": span.end.line, "Column": span.end.column}
    return out


def _result(result: Result, specific: bool) -> dict[str, Any]:
    """One EvaluationResult; with ResourceArns given, the per-resource part (and its
    missing context values) sits in ResourceSpecificResults, as IAM answers."""
    matched = [_statement(m) for m in result.matched]
    out: dict[str, Any] = {
        "EvalActionName": result.action,
        "EvalResourceName": result.resource,
        "EvalDecision": result.decision,
        "MatchedStatements": matched,
        "MissingContextValues": [] if specific else list(result.missing),
    }
    if result.allowed_by_organizations is not None:
        out["OrganizationsDecisionDetail"] = {
            "AllowedByOrganizations": result.allowed_by_organizations
        }
    boundary = None
    if result.allowed_by_boundary is not None:
        boundary = {"AllowedByPermissionsBoundary": result.allowed_by_boundary}
        out["PermissionsBoundaryDecisionDetail"] = boundary
    if result.details:
        out["EvalDecisionDetails"] = result.details
    if specific:
        part: dict[str, Any] = {
            "EvalResourceName": result.resource,
            "EvalResourceDecision": result.decision,
            "MatchedStatements": matched,
            "MissingContextValues": list(result.missing),
        }
        if result.details:
            part["EvalDecisionDetails"] = result.details
        if boundary is not None:
            part["PermissionsBoundaryDecisionDetail"] = boundary
        out["ResourceSpecificResults"] = [part]
    return out


def _answer(p: Params, question: Question) -> dict[str, Any]:
    actions, resources = p.get("ActionNames") or [], p.get("ResourceArns") or []
    simulator.check_actions(actions)
    simulator.check_resources(resources)
    results, marker = simulator.answer(
        question, actions, resources, p.get("Marker"), p.get("MaxItems")
    )
    out: dict[str, Any] = {
        "EvaluationResults": [_result(r, bool(resources)) for r in results],
        "IsTruncated": marker is not None,
    }
    if marker is not None:
        out["Marker"] = marker
    return out


def _find(call: Call) -> Any:
    iam = call.world.iam

    def find(account: str, kind: str, name: str) -> Any:
        if kind == "user":
            return iam.find_user(account, name)
        return iam.find_role(account, name) if kind == "role" else None

    return find


@operation("iam", "SimulatePrincipalPolicy")
def simulate_principal_policy(call: Call, p: Params) -> dict[str, Any]:
    """The policies of a user or role of the caller's account (less PolicyExclusionList,
    plus PolicyInputList), with the optional boundary, resource policy and context."""
    source = p["PolicySourceArn"]
    policies = simulator.entity_policies(
        _find(call), call.world.iam.managed, call.account, source, _exclusions(p)
    )
    caller_arn = p.get("CallerArn")
    if caller_arn is None and p.get("ResourcePolicy") is not None:
        if not simulator.is_user_arn(source):
            raise simulator.invalid(
                "CallerArn is required when a ResourcePolicy is included and PolicySourceArn"
                " is not an IAM user."
            )
        caller_arn = source
    caller = simulator.caller(caller_arn)
    question = Question(
        policies + simulator.inputs("PolicyInputList", p.get("PolicyInputList") or []),
        _context(p),
        simulator.inputs(
            "PermissionsBoundaryPolicyInputList", p.get("PermissionsBoundaryPolicyInputList") or []
        ),
        simulator.resource_policy(p.get("ResourcePolicy"), caller),
        caller,
        simulator.resource_owner(p.get("ResourceOwner")),
    )
    return _answer(p, question)


@operation("iam", "SimulateCustomPolicy")
def simulate_custom_policy(call: Call, p: Params) -> dict[str, Any]:
    """The given documents only: PolicyInputList, the boundary, the organization's levels
    (OrderedOrganizationPolicyInputList), a resource policy for CallerArn."""
    caller = simulator.caller(p.get("CallerArn"))
    context = _context(p)
    levels = simulator.organization_levels(
        [
            level.get("ServiceControlPolicyInputList") or []
            for level in p.get("OrderedOrganizationPolicyInputList") or []
        ]
    )
    question = Question(
        simulator.inputs("PolicyInputList", p.get("PolicyInputList") or []),
        context,
        simulator.inputs(
            "PermissionsBoundaryPolicyInputList", p.get("PermissionsBoundaryPolicyInputList") or []
        ),
        simulator.resource_policy(p.get("ResourcePolicy"), caller),
        caller,
        simulator.resource_owner(p.get("ResourceOwner")),
        simulator.organization(levels, context) if levels else None,
    )
    return _answer(p, question)
