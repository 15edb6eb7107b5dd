"""Managed policies: the customer's and AWS's (shipped as data), and their attachments.

Customer managed policies are created, versioned and deleted; AWS managed ones are read
from aws_managed_policies.json beside this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from importlib import resources

from emulator.core.commit import commit
from emulator.core.errors import Conflict, InvalidValue, LimitExceeded, NotFound
from emulator.core.iam.documents import check_identity_policy
from emulator.core.iam.records import (
    AWS_MANAGED,
    MANAGED_PER_IDENTITY,
    MANAGED_POLICY_CHARS,
    MAX_PATH,
    MAX_POLICY_NAME,
    NAME,
    PATH,
    VERSION_ID,
    VERSIONS_PER_POLICY,
    Checks,
    ManagedPolicy,
    PolicyVersion,
    significant_chars,
)
from emulator.core.iam.store import IamStore, page

POLICY_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}|aws):policy(?P<path>/(?:[^/]+/)*)"
    r"(?P<name>[\w+=,.@-]{1,128})$"
)
SCOPES = ("All", "AWS", "Local")
USAGE_FILTERS = ("PermissionsPolicy", "PermissionsBoundary")
QUOTA_NAMES = {"user": "PoliciesPerUser", "role": "PoliciesPerRole"}


@cache
def aws_managed_policies() -> dict[str, ManagedPolicy]:
    """AWS managed policies by path + name, read once from the data file beside this module
    (in the aws partition; ``aws_policy`` gives them another's)."""
    data = json.loads(
        resources.files("emulator.core.iam").joinpath("aws_managed_policies.json").read_text()
    )
    out = {}
    for raw in data["policies"]:
        version = PolicyVersion(raw["version"], raw["document"], raw["created"])
        out[raw["path"] + raw["name"]] = ManagedPolicy(
            account=AWS_MANAGED,
            name=raw["name"],
            id=raw["id"],
            path=raw["path"],
            created=raw["created"],
            updated=raw["updated"],
            default_version=raw["version"],
            versions=[version],
            description=raw["description"],
        )
    return out


def aws_policy_arn(name: str, partition: str = "aws") -> str:
    policy = next(p for p in aws_managed_policies().values() if p.name == name)
    return replace(policy, partition=partition).arn


class ManagedPolicyOperations(IamStore):
    """Managed policies as one account sees them: its own and AWS's."""

    def managed(self, arn: str) -> ManagedPolicy | None:
        """The managed policy with this ARN (customer or AWS), or None."""
        match = POLICY_ARN.match(arn)
        if match is None:
            return None
        if match["account"] == AWS_MANAGED:
            found = aws_managed_policies().get(match["path"] + match["name"])
            return replace(found, partition=match["partition"]) if found else None
        return self._policies.get(arn)

    def _visible(self, account: str, arn: str, reason: str = "policy_not_found") -> ManagedPolicy:
        checks = Checks()
        checks.text("policyArn", arn, shortest=20, longest=2048)
        checks.done()
        match = POLICY_ARN.match(arn)
        if match is None:
            raise InvalidValue("invalid_arn", arn=arn)
        policy = self.managed(arn)
        if policy is None or match["account"] not in (account, AWS_MANAGED):
            raise NotFound(reason, arn=arn)
        return policy

    def attachment_count(self, account: str, policy: ManagedPolicy) -> int:
        return len(self._attachments.get((account, policy.arn), ()))

    # ------------------------------------------------------------ customer managed

    def create_policy(
        self,
        account: str,
        name: str,
        document: str,
        *,
        path: str | None = None,
        description: str | None = None,
        partition: str = "aws",
    ) -> ManagedPolicy:
        checks = Checks()
        checks.text("policyName", name, longest=MAX_POLICY_NAME, pattern=NAME)
        checks.text("path", path, longest=MAX_PATH, pattern=PATH)
        checks.text("description", description, shortest=0, longest=1000)
        checks.done()
        check_identity_policy(document)
        self._check_size(document)
        if name.casefold() in self._policies_of.get(account, {}):
            raise Conflict("policy_exists", name=name)
        commit()
        now = self._now()
        policy = ManagedPolicy(
            account=account,
            name=name,
            id=self._ids.iam_id("ANPA"),
            path=path or "/",
            created=now,
            updated=now,
            default_version="v1",
            versions=[PolicyVersion("v1", document, now)],
            description=description,
            partition=partition,
        )
        self._add_policy(policy)
        return policy

    def _mine(self, account: str) -> list[ManagedPolicy]:
        return list(self._policies_of.get(account, {}).values())

    @staticmethod
    def _check_size(document: str) -> None:
        if significant_chars(document) > MANAGED_POLICY_CHARS:
            raise LimitExceeded("quota", quota="PolicySize", limit=MANAGED_POLICY_CHARS)

    def get_policy(self, account: str, arn: str) -> ManagedPolicy:
        return self._visible(account, arn)

    def get_policy_version(self, account: str, arn: str, version_id: str) -> PolicyVersion:
        checks = Checks()
        checks.text("versionId", version_id, longest=128, pattern=VERSION_ID)
        checks.done()
        policy = self._visible(account, arn)
        version = policy.version(version_id)
        if version is None:
            raise NotFound("policy_version_not_found", arn=arn, version=version_id)
        return version

    def create_policy_version(
        self, account: str, arn: str, document: str, set_as_default: bool = False
    ) -> PolicyVersion:
        policy = self._own(account, arn)
        check_identity_policy(document)
        self._check_size(document)
        if len(policy.versions) >= VERSIONS_PER_POLICY:
            raise LimitExceeded("too_many_versions")
        commit()
        now = self._now()
        version = PolicyVersion(f"v{policy.next_version}", document, now)
        policy.next_version += 1
        policy.versions.append(version)
        if set_as_default:
            policy.default_version = version.id
            policy.updated = now
        return version

    def delete_policy_version(self, account: str, arn: str, version_id: str) -> None:
        policy = self._own(account, arn)
        version = policy.version(version_id)
        if version is None:
            raise NotFound("policy_version_not_found", arn=arn, version=version_id)
        if version_id == policy.default_version:
            raise Conflict("delete_default_version")
        commit()
        policy.versions.remove(version)

    def list_policy_versions(self, account: str, arn: str) -> list[PolicyVersion]:
        return list(reversed(self._visible(account, arn).versions))

    def _own(self, account: str, arn: str) -> ManagedPolicy:
        """A customer managed policy of ``account``: AWS's cannot be changed by anyone."""
        policy = self._visible(account, arn)
        if policy.account != account:
            raise NotFound("policy_not_found", arn=arn)
        return policy

    def delete_policy(self, account: str, arn: str) -> None:
        policy = self._own(account, arn)
        if self.attachment_count(account, policy):
            raise Conflict("policy_attached")
        if len(policy.versions) > 1:
            raise Conflict("policy_has_versions")
        commit()
        self._drop_policy(policy)
        self._attachments.pop((account, policy.arn), None)

    def list_policies(
        self,
        account: str,
        scope: str | None,
        only_attached: bool,
        path_prefix: str | None,
        usage_filter: str | None,
        marker: str | None,
        max_items: int | None,
        partition: str = "aws",
    ) -> tuple[list[ManagedPolicy], str | None]:
        checks = Checks()
        checks.text(
            "pathPrefix", path_prefix, longest=MAX_PATH, pattern=r"((/[A-Za-z0-9\.,\+@=_-]+)*)/"
        )
        checks.done()
        scope = scope or "All"
        if scope not in SCOPES:
            raise InvalidValue("bad_enum", member="scope", value=scope, values=", ".join(SCOPES))
        if usage_filter is not None and usage_filter not in USAGE_FILTERS:
            raise InvalidValue(
                "bad_enum",
                member="policyUsageFilter",
                value=usage_filter,
                values=", ".join(USAGE_FILTERS),
            )
        candidates: list[ManagedPolicy] = []
        if scope in ("All", "Local"):
            candidates += self._mine(account)
        if scope in ("All", "AWS"):
            candidates += [replace(p, partition=partition) for p in aws_managed_policies().values()]
        prefix = path_prefix or "/"
        wanted = [
            p
            for p in candidates
            if p.path.startswith(prefix)
            and (not only_attached or self.attachment_count(account, p))
            and usage_filter != "PermissionsBoundary"  # no boundaries are kept
        ]
        return page(wanted, lambda p: p.name.casefold() + "\0" + p.arn, marker, max_items)

    # ------------------------------------------------------------ attachments

    def attach_policy(self, account: str, kind: str, entity_name: str, arn: str) -> None:
        entity = self._entity(account, kind, entity_name)
        policy = self._visible(account, arn, "policy_not_attachable")
        if policy.arn in entity.attached:
            return
        if len(entity.attached) >= MANAGED_PER_IDENTITY:
            raise LimitExceeded("quota", quota=QUOTA_NAMES[kind], limit=MANAGED_PER_IDENTITY)
        commit()
        entity.attached.append(policy.arn)
        self._attach_index(account, policy.arn).add((kind, entity.name))

    def detach_policy(self, account: str, kind: str, entity_name: str, arn: str) -> None:
        entity = self._entity(account, kind, entity_name)
        self._visible(account, arn)
        if arn not in entity.attached:
            raise NotFound("policy_not_found", arn=arn)
        commit()
        entity.attached.remove(arn)
        self._attach_index(account, arn).discard((kind, entity.name))

    def list_attached(
        self,
        account: str,
        kind: str,
        entity_name: str,
        path_prefix: str | None,
        marker: str | None,
        max_items: int | None,
    ) -> tuple[list[ManagedPolicy], str | None]:
        entity = self._entity(account, kind, entity_name)
        prefix = path_prefix or "/"
        found = [p for p in map(self.managed, entity.attached) if p and p.path.startswith(prefix)]
        return page(found, lambda p: p.name.casefold() + "\0" + p.arn, marker, max_items)
