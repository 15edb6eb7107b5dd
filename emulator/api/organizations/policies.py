"""AWS Organizations policy operations: parsed params -> ``OrgTree`` call -> output shape.

Policy types in the root, policies, attachments and effective policies.
"""

from __future__ import annotations

from typing import Any

from emulator.api.organizations.operations import _root
from emulator.api.registry import Call, operation
from emulator.core.organizations.policies.records import Policy
from emulator.core.organizations.tree import OrgTree

Params = dict[str, Any]
Result = dict[str, Any]


def _summary(tree: OrgTree, caller: str, policy: Policy) -> Result:
    org = tree.describe_organization(caller)
    return {
        "Id": policy.id,
        "Arn": policy.arn(org.partition, org.management_account),
        "Name": policy.name,
        "Description": policy.description,
        "Type": policy.type,
        "AwsManaged": policy.aws_managed,
    }


def _policy(tree: OrgTree, caller: str, policy: Policy) -> Result:
    return {"Policy": {"PolicySummary": _summary(tree, caller, policy), "Content": policy.content}}


def _paging(p: Params) -> tuple[str | None, int | None]:
    return p.get("NextToken"), p.get("MaxResults")


@operation("organizations", "EnablePolicyType")
def enable_policy_type(call: Call, p: Params) -> Result:
    """Management account only. Enabling SERVICE_CONTROL_POLICY attaches FullAWSAccess to
    the root and every OU and account, and to every OU and account made later."""
    org = call.world.orgs.enable_policy_type(call.account, p["RootId"], p["PolicyType"])
    return {"Root": _root(org)}


@operation("organizations", "DisablePolicyType")
def disable_policy_type(call: Call, p: Params) -> Result:
    """Detaches every policy of the type from every root, OU and account first."""
    org = call.world.orgs.disable_policy_type(call.account, p["RootId"], p["PolicyType"])
    return {"Root": _root(org)}


@operation("organizations", "CreatePolicy")
def create_policy(call: Call, p: Params) -> Result:
    """SERVICE_CONTROL_POLICY, DECLARATIVE_POLICY_EC2, TAG_POLICY, BACKUP_POLICY and
    AISERVICES_OPT_OUT_POLICY; content checked against the type's grammar and size quota."""
    tree = call.world.orgs
    policy = tree.create_policy(call.account, p["Content"], p["Description"], p["Name"], p["Type"])
    return _policy(tree, call.account, policy)


@operation("organizations", "UpdatePolicy")
def update_policy(call: Call, p: Params) -> Result:
    """Name, description and content; AWS managed policies cannot be changed."""
    tree = call.world.orgs
    policy = tree.update_policy(
        call.account, p["PolicyId"], p.get("Name"), p.get("Description"), p.get("Content")
    )
    return _policy(tree, call.account, policy)


@operation("organizations", "DeletePolicy")
def delete_policy(call: Call, p: Params) -> None:
    """Only a customer managed policy attached nowhere."""
    call.world.orgs.delete_policy(call.account, p["PolicyId"])


@operation("organizations", "DescribePolicy")
def describe_policy(call: Call, p: Params) -> Result:
    """A policy of the caller's organization, or an AWS managed one, with its content."""
    tree = call.world.orgs
    return _policy(tree, call.account, tree.describe_policy(call.account, p["PolicyId"]))


@operation("organizations", "ListPolicies")
def list_policies(call: Call, p: Params) -> Result:
    """The organization's policies of the Filter type, paged (FullAWSAccess among SCPs)."""
    tree = call.world.orgs
    found, token = tree.list_policies(call.account, p["Filter"], *_paging(p))
    return {"Policies": [_summary(tree, call.account, x) for x in found], "NextToken": token}


@operation("organizations", "AttachPolicy")
def attach_policy(call: Call, p: Params) -> None:
    """To the root, an OU or an account; the type must be enabled in the root; at most five
    SCPs per target. Access decisions follow at once."""
    call.world.orgs.attach_policy(call.account, p["PolicyId"], p["TargetId"])


@operation("organizations", "DetachPolicy")
def detach_policy(call: Call, p: Params) -> None:
    """A target keeps at least one SCP while SCPs are enabled."""
    call.world.orgs.detach_policy(call.account, p["PolicyId"], p["TargetId"])


@operation("organizations", "ListPoliciesForTarget")
def list_policies_for_target(call: Call, p: Params) -> Result:
    """The policies of the Filter type attached directly to a root, OU or account, paged."""
    tree = call.world.orgs
    found, token = tree.list_policies_for_target(
        call.account, p["TargetId"], p["Filter"], *_paging(p)
    )
    return {"Policies": [_summary(tree, call.account, x) for x in found], "NextToken": token}


@operation("organizations", "ListTargetsForPolicy")
def list_targets_for_policy(call: Call, p: Params) -> Result:
    """The roots, OUs and accounts a policy is attached to, paged."""
    found, token = call.world.orgs.list_targets_for_policy(call.account, p["PolicyId"], *_paging(p))
    targets = [{"TargetId": t, "Arn": a, "Name": n, "Type": k} for t, a, n, k in found]
    return {"Targets": targets, "NextToken": token}


@operation("organizations", "DescribeEffectivePolicy")
def describe_effective_policy(call: Call, p: Params) -> Result:
    """Management policy types only (SCPs are refused); any account for itself, the
    management account for any account. Computed from the live tree at each call."""
    world = call.world
    found = world.orgs.describe_effective_policy(call.account, p["PolicyType"], p.get("TargetId"))
    return {"EffectivePolicy": {**found, "LastUpdatedTimestamp": world.clock()}}
