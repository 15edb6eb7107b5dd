"""IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy.

The handlers hand the request's parts to ``core.iam.simulator`` (which gathers and checks
them as IAM does and decides with the policy evaluator) and shape its answer: one
EvaluationResult per (action, resource), paged with MaxItems / Marker.
"""

from __future__ import annotations

from typing import Any

from emulator.api.registry import Call, operation
from emulator.core.authorization import SCP_LAYER, AccessRequest
from emulator.core.iam import simulator
from emulator.core.iam.simulation import (
    ALLOWED,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Match,
    Question,
    Result,
    Verdict,
)
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
    entity = simulator.find_entity(_find(call), call.account, source)
    policies = simulator.entity_policies(entity, call.world.iam.managed, _exclusions(p))
    caller_arn = p.get("CallerArn")
    if caller_arn is None and p.get("ResourcePolicy") is not None:
        if not simulator.is_user_arn(source):
            raise simulator.invalid(
                "CallerArn is required when a ResourcePolicy is included and PolicySourceArn"
                " is not an IAM user."
            )
        caller_arn = source
    caller = simulator.caller(caller_arn)
    context = _context(p)
    question = Question(
        policies + simulator.inputs("PolicyInputList", p.get("PolicyInputList") or []),
        context,
        simulator.inputs(
            "PermissionsBoundaryPolicyInputList", p.get("PermissionsBoundaryPolicyInputList") or []
        ),
        simulator.resource_policy(p.get("ResourcePolicy"), caller),
        caller,
        simulator.resource_owner(p.get("ResourceOwner")),
        _organizations(call, simulator.simulated_principal(entity), context),
    )
    return _answer(p, question)


def _organizations(call: Call, principal: Any, context: dict[str, list[str]]) -> Any:
    """The SCPs over the principal's account, asked of the access decision's SCP layer
    with the simulation's context entries as the request's keys; None when no SCP binds
    the account (outside an organization, the management account, SCPs not enabled)."""
    world = call.world
    if world.authorize_scps(principal.account) is None:
        return None

    def decide(action: str, resource: str) -> Verdict:
        request = AccessRequest(
            principal.account,
            action,
            call.region,
            resources=(resource,),
            context=dict(context),
            caller=principal,
        )
        steps = world.authorize(request).steps(SCP_LAYER)
        if all(step.allowed for step in steps):
            return Verdict(ALLOWED, ())
        denied = any(step.evidence.get("effect") == "Deny" for step in steps)
        return Verdict(EXPLICIT_DENY if denied else IMPLICIT_DENY, ())

    return decide


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
