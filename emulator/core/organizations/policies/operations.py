"""Organizations policy operations, and the views access decisions read.

Policy types in the root, policies, attachments, effective policies; the SCP chain and the
effective policy of an account.

Only the management account may call them (delegated administrators are not modelled);
DescribeEffectivePolicy also answers a member account about itself, as in AWS.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.core.errors import Conflict, InvalidValue, LimitExceeded, Malformed, NotFound
from emulator.core.organizations.paging import paginate
from emulator.core.organizations.policies import inheritance
from emulator.core.organizations.policies.declarative_ec2 import (
    Ec2Declarative,
    check_declarative_ec2,
)
from emulator.core.organizations.policies.records import (
    DECLARATIVE_EC2,
    EFFECTIVE_TYPES,
    FULL_AWS_ACCESS,
    FULL_AWS_ACCESS_ID,
    MAX_ATTACHED,
    MAX_CONTENT,
    POLICY_ID,
    POLICY_TYPES,
    SCP,
    SERVED_TYPES,
    TARGET_ID,
    Policy,
    ScpLevel,
)
from emulator.core.organizations.policies.scp_syntax import check_scp
from emulator.core.organizations.records import (
    ROOT_ID,
    Organization,
    check_length,
    check_pattern,
)
from emulator.core.organizations.store import OrgStore, Page

ROOT, OU, ACCOUNT = "ROOT", "ORGANIZATIONAL_UNIT", "ACCOUNT"


class PolicyOperations(OrgStore):
    """The policy half of the Organizations API, and the policy views of the tree."""

    # ------------------------------------------------------------ policy types

    def enable_policy_type(self, caller: str, root_id: str, policy_type: str) -> Organization:
        """EnablePolicyType; enabling SCPs attaches FullAWSAccess to every target."""
        self._check_root_id(root_id)
        self._check_type(policy_type)
        org = self._root_of(caller, root_id)
        self._check_available(org, policy_type)
        if policy_type in org.policy_types:
            raise Conflict("policy_type_already_enabled", type=policy_type)
        org.policy_types.append(policy_type)
        if policy_type == SCP:
            for target_id in self._targets_in(org):
                self._attachments.attach(org.id, target_id, FULL_AWS_ACCESS_ID)
        return org

    def disable_policy_type(self, caller: str, root_id: str, policy_type: str) -> Organization:
        """DisablePolicyType; every policy of the type is detached from every target."""
        self._check_root_id(root_id)
        self._check_type(policy_type)
        org = self._root_of(caller, root_id)
        if policy_type not in org.policy_types:
            raise InvalidValue("policy_type_not_enabled", type=policy_type)
        org.policy_types.remove(policy_type)
        for target_id in self._targets_in(org):
            for policy_id in list(self._attachments.of_target(target_id)):
                if self._type_of(policy_id) == policy_type:
                    self._attachments.detach(org.id, target_id, policy_id)
        return org

    # ------------------------------------------------------------ policies

    def create_policy(
        self,
        caller: str,
        content: str,
        description: str,
        name: str,
        policy_type: str,
        *,
        policy_id: str | None = None,
    ) -> Policy:
        """CreatePolicy; ``policy_id`` fixes the id for scenario files."""
        self._check_type(policy_type)
        org = self._managed_by(caller)
        self._check_available(org, policy_type)
        document = check_document(policy_type, content, name, description)
        if policy_id is not None:
            check_pattern("PolicyId", policy_id, POLICY_ID)
            if self._policy(policy_id) is not None:
                raise Conflict("id_in_use", id=policy_id)
        self._check_name_unused(org, policy_type, name, None)
        policy = Policy(
            id=policy_id or self._fresh(self._ids.policy_id, self._policies),
            type=policy_type,
            name=name,
            description=description,
            content=content,
            org_id=org.id,
            document=document,
        )
        self._policies[policy.id] = policy
        return policy

    def update_policy(
        self,
        caller: str,
        policy_id: str,
        name: str | None = None,
        description: str | None = None,
        content: str | None = None,
    ) -> Policy:
        self._check_policy_id(policy_id)
        org = self._managed_by(caller)
        policy = self._policy_in(org, policy_id)
        if policy.aws_managed:
            raise Malformed("immutable_policy", id=policy_id)
        document = check_document(
            policy.type,
            content if content is not None else policy.content,
            name if name is not None else policy.name,
            description if description is not None else policy.description,
        )
        if name is not None and name != policy.name:
            self._check_name_unused(org, policy.type, name, policy.id)
            policy.name = name
        if description is not None:
            policy.description = description
        if content is not None:
            policy.content, policy.document = content, document
        self._views.pop((org.id, policy.id), None)
        return policy

    def delete_policy(self, caller: str, policy_id: str) -> None:
        self._check_policy_id(policy_id)
        org = self._managed_by(caller)
        policy = self._policy_in(org, policy_id)
        if policy.aws_managed:
            raise Malformed("immutable_policy", id=policy_id)
        if self._attachments.targets_of(org.id, policy_id):
            raise Conflict("policy_in_use", id=policy_id)
        del self._policies[policy_id]
        self._views.pop((org.id, policy_id), None)

    def describe_policy(self, caller: str, policy_id: str) -> Policy:
        self._check_policy_id(policy_id)
        org = self._managed_by(caller)
        return self._policy_in(org, policy_id)

    def list_policies(
        self, caller: str, policy_type: str, next_token: str | None, max_results: int | None
    ) -> Page:
        """The organization's policies of one type (FullAWSAccess first for SCPs)."""
        self._check_type(policy_type)
        org = self._managed_by(caller)
        found = [p for p in self._policies.values() if p.org_id == org.id and p.type == policy_type]
        if policy_type == SCP and org.feature_set == "ALL":
            found.insert(0, FULL_AWS_ACCESS)
        return paginate(found, f"ListPolicies/{policy_type}", next_token, max_results)

    # ------------------------------------------------------------ attachments

    def attach_policy(self, caller: str, policy_id: str, target_id: str) -> None:
        self._check_policy_id(policy_id)
        self._check_target_id(target_id)
        org = self._managed_by(caller)
        policy = self._policy_in(org, policy_id)
        self._target_type(org, target_id)
        if policy.type not in org.policy_types:
            raise InvalidValue("policy_type_not_enabled", type=policy.type)
        if self._attachments.is_attached(target_id, policy_id):
            raise Conflict("duplicate_policy_attachment", id=policy_id, target=target_id)
        if self._count_of_type(target_id, policy.type) >= MAX_ATTACHED[policy.type]:
            raise LimitExceeded("policy_attachment_limit_exceeded", target=target_id)
        self._attachments.attach(org.id, target_id, policy_id)

    def detach_policy(self, caller: str, policy_id: str, target_id: str) -> None:
        self._check_policy_id(policy_id)
        self._check_target_id(target_id)
        org = self._managed_by(caller)
        policy = self._policy_in(org, policy_id)
        self._target_type(org, target_id)
        if not self._attachments.is_attached(target_id, policy_id):
            raise NotFound("policy_not_attached", id=policy_id, target=target_id)
        if policy.type == SCP and self._count_of_type(target_id, SCP) <= 1:
            raise LimitExceeded("policy_attachment_minimum", target=target_id)
        self._attachments.detach(org.id, target_id, policy_id)

    def list_policies_for_target(
        self,
        caller: str,
        target_id: str,
        policy_type: str,
        next_token: str | None,
        max_results: int | None,
    ) -> Page:
        self._check_target_id(target_id)
        self._check_type(policy_type)
        org = self._managed_by(caller)
        self._target_type(org, target_id)
        found = [p for p in self._attached_of(target_id) if p.type == policy_type]
        scope = f"ListPoliciesForTarget/{target_id}/{policy_type}"
        return paginate(found, scope, next_token, max_results)

    def list_targets_for_policy(
        self, caller: str, policy_id: str, next_token: str | None, max_results: int | None
    ) -> Page:
        """``[(target_id, arn, name, type)]`` of the targets the policy is attached to."""
        self._check_policy_id(policy_id)
        org = self._managed_by(caller)
        self._policy_in(org, policy_id)
        targets = [
            self._describe_target(org, t) for t in self._attachments.targets_of(org.id, policy_id)
        ]
        return paginate(targets, f"ListTargetsForPolicy/{policy_id}", next_token, max_results)

    def policies_in(self, org_id: str) -> list[Policy]:
        """The organization's own policies, in creation order (for dumps; no caller check)."""
        return [p for p in self._policies.values() if p.org_id == org_id]

    def targets_of_policy(self, caller: str, policy_id: str) -> list[str]:
        """Ids of the targets a policy is attached to in the caller's organization."""
        org = self._managed_by(caller)
        return list(self._attachments.targets_of(org.id, policy_id))

    def policies_of_target(self, target_id: str) -> list[Policy]:
        """Every policy attached to a root, OU or account (for views; no caller check)."""
        return self._attached_of(target_id)

    # ------------------------------------------------------------ effective policies

    def describe_effective_policy(
        self, caller: str, policy_type: str, target_id: str | None = None
    ) -> dict[str, Any]:
        """The effective policy of an account, as JSON-ready fields."""
        if policy_type not in EFFECTIVE_TYPES:
            raise Malformed("invalid_enum", name="PolicyType", value=policy_type)
        org = self._org_of(caller)
        account = target_id if target_id is not None else caller
        self._check_target_id(account)
        if account != caller:
            org = self._managed_by(caller)
        kind = self._target_type(org, account)
        if kind != ACCOUNT:
            raise InvalidValue("effective_target_not_account", target=account)
        found = self.effective_policy(account, policy_type)
        if found is None:
            raise NotFound("effective_policy_not_found", type=policy_type)
        return {
            "PolicyContent": json.dumps(found, separators=(",", ":")),
            "TargetId": account,
            "PolicyType": policy_type,
        }

    def effective_policy(self, account: str, policy_type: str) -> dict[str, Any] | None:
        """The effective management policy of ``policy_type`` for ``account`` from live
        state, or None (not a member, type not enabled, or no policy of it applies)."""
        org, path = self._path_of(account)
        if org is None or policy_type not in org.policy_types or policy_type == SCP:
            return None
        levels = (
            [p.document for p in self._attached_of(t) if p.type == policy_type] for t, _ in path
        )
        return inheritance.effective(levels)

    def ec2_declarative(self, account: str) -> Ec2Declarative | None:
        """What the account's effective EC2 declarative policy sets, or None."""
        return Ec2Declarative.of(self.effective_policy(account, DECLARATIVE_EC2))

    def service_control_policies(self, account: str) -> tuple[ScpLevel, ...] | None:
        """The SCPs that bound ``account``: one level per node from the root down to the
        account, or None when SCPs do not apply (no organization, the management account,
        or SCPs not enabled in the root). O(depth x attachments per node)."""
        org, path = self._path_of(account)
        if org is None or account == org.management_account or SCP not in org.policy_types:
            return None
        return tuple(
            ScpLevel(
                target_id,
                kind,
                tuple(
                    self._view(org, pid)
                    for pid in self._attachments.of_target(target_id)
                    if self._type_of(pid) == SCP
                ),
            )
            for target_id, kind in path
        )

    # ------------------------------------------------------------ helpers

    def _path_of(self, account: str) -> tuple[Organization | None, list[tuple[str, str]]]:
        acct = self._accounts.get(account)
        if acct is None or acct.org_id is None or acct.parent_id is None:
            return None, []
        org = self._orgs[acct.org_id]
        path = [(org.root_id, ROOT)]
        path += [(ou, OU) for ou in self._ou_chain(acct.parent_id)]
        path.append((account, ACCOUNT))
        return org, path

    def _attached_of(self, target_id: str) -> list[Policy]:
        found = (self._policy(pid) for pid in self._attachments.of_target(target_id))
        return [p for p in found if p is not None]

    def _type_of(self, policy_id: str) -> str | None:
        policy = self._policy(policy_id)
        return policy.type if policy is not None else None

    def _count_of_type(self, target_id: str, policy_type: str) -> int:
        return sum(
            1 for p in self._attachments.of_target(target_id) if self._type_of(p) == policy_type
        )

    def _targets_in(self, org: Organization) -> list[str]:
        ous = [u.id for u in self._ous.values() if u.org_id == org.id]
        return [org.root_id, *ous, *(a.id for a in self._members(org))]

    def _target_type(self, org: Organization, target_id: str) -> str:
        if target_id == org.root_id:
            return ROOT
        ou = self._ous.get(target_id)
        if ou is not None and ou.org_id == org.id:
            return OU
        acct = self._accounts.get(target_id)
        if acct is not None and acct.org_id == org.id:
            return ACCOUNT
        raise NotFound("target_not_found", id=target_id)

    def _describe_target(self, org: Organization, target_id: str) -> tuple[str, str, str, str]:
        kind = self._target_type(org, target_id)
        if kind == ROOT:
            return target_id, org.root_arn, "Root", kind
        if kind == OU:
            return target_id, org.ou_arn(target_id), self._ous[target_id].name, kind
        return target_id, org.account_arn(target_id), self._accounts[target_id].name, kind

    def _root_of(self, caller: str, root_id: str) -> Organization:
        org = self._managed_by(caller)
        if root_id != org.root_id:
            raise NotFound("root_not_found", id=root_id)
        return org

    def _policy_in(self, org: Organization, policy_id: str) -> Policy:
        policy = self._policy(policy_id)
        if policy is None or policy.org_id not in (None, org.id):
            raise NotFound("policy_not_found", id=policy_id)
        if policy.aws_managed and org.feature_set != "ALL":
            raise NotFound("policy_not_found", id=policy_id)
        return policy

    def _check_name_unused(
        self, org: Organization, policy_type: str, name: str, own_id: str | None
    ) -> None:
        if policy_type == SCP and name == FULL_AWS_ACCESS.name:
            raise Conflict("duplicate_policy", name=name)
        for p in self._policies.values():
            if p.org_id == org.id and p.type == policy_type and p.name == name and p.id != own_id:
                raise Conflict("duplicate_policy", name=name)

    @staticmethod
    def _check_available(org: Organization, policy_type: str) -> None:
        if org.feature_set != "ALL" or policy_type not in SERVED_TYPES:
            raise InvalidValue("policy_type_not_available", type=policy_type)

    @staticmethod
    def _check_type(policy_type: str) -> None:
        if policy_type not in POLICY_TYPES:
            raise Malformed("invalid_policy_type", value=policy_type)

    @staticmethod
    def _check_root_id(root_id: str) -> None:
        check_pattern("RootId", root_id, ROOT_ID)

    @staticmethod
    def _check_policy_id(policy_id: str) -> None:
        if not POLICY_ID.fullmatch(policy_id):
            raise Malformed("invalid_policy_id", value=policy_id)

    @staticmethod
    def _check_target_id(target_id: str) -> None:
        if not TARGET_ID.fullmatch(target_id):
            raise Malformed("invalid_target_id", value=target_id)


def check_document(policy_type: str, content: str, name: str, description: str) -> Any:
    """Lengths, size quota and grammar; the parsed document."""
    check_length("Name", name, 1, 128)
    check_length("Description", description, 0, 512)
    check_length("Content", content, 1, 1_000_000)
    if policy_type in MAX_CONTENT and len(content) > MAX_CONTENT[policy_type]:
        raise LimitExceeded("policy_content_limit_exceeded", type=policy_type)
    try:
        document = json.loads(content)
    except ValueError:
        raise Malformed("malformed_policy") from None
    if policy_type == SCP:
        check_scp(document)
    elif policy_type == DECLARATIVE_EC2:
        check_declarative_ec2(document)
    else:
        inheritance.check_management_policy(document)
    return document
