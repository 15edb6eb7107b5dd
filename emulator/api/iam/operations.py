"""AWS IAM: users, roles, access keys, inline and managed policies of the caller's account.

IAM is global: every Region's endpoint (and iam.amazonaws.com) serves the same IAM. Policy
documents are answered URL-encoded, as IAM answers them (botocore decodes them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from emulator.api.registry import Call, operation
from emulator.core.errors import InvalidValue
from emulator.core.iam.principals import USER
from emulator.core.iam.records import AccessKey, ManagedPolicy, PolicyVersion, Role, User
from emulator.core.iam.store import page
from emulator.core.iam.tagging import check_tags

Params = dict[str, Any]
Result = dict[str, Any]


def _encoded(document: str) -> str:
    return quote(document, safe="")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _tags(tags: dict[str, str]) -> list[Result]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def _user(user: User, *, with_tags: bool = False) -> Result:
    out: Result = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.id,
        "Arn": user.arn,
        "CreateDate": _time(user.created),
    }
    if with_tags and user.tags:
        out["Tags"] = _tags(user.tags)
    return out


def _role(role: Role, *, with_trust: bool = True) -> Result:
    out: Result = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.id,
        "Arn": role.arn,
        "CreateDate": _time(role.created),
        "MaxSessionDuration": role.max_session,
    }
    if with_trust:
        out["AssumeRolePolicyDocument"] = _encoded(role.trust_policy)
    if role.description is not None:
        out["Description"] = role.description
    if with_trust and role.tags:
        out["Tags"] = _tags(role.tags)
    return out


def _policy(call: Call, policy: ManagedPolicy, *, with_description: bool = True) -> Result:
    out: Result = {
        "PolicyName": policy.name,
        "PolicyId": policy.id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version,
        "AttachmentCount": call.world.iam.attachment_count(call.account, policy),
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": _time(policy.created),
        "UpdateDate": _time(policy.updated),
    }
    if with_description and policy.description is not None:
        out["Description"] = policy.description
    return out


def _version(version: PolicyVersion, *, default: str) -> Result:
    return {
        "Document": _encoded(version.document),
        "VersionId": version.id,
        "IsDefaultVersion": version.id == default,
        "CreateDate": _time(version.created),
    }


def _key(key: AccessKey, *, with_secret: bool = False) -> Result:
    out: Result = {
        "UserName": key.user,
        "AccessKeyId": key.id,
        "Status": key.status,
        "CreateDate": _time(key.created),
    }
    if with_secret:
        out["SecretAccessKey"] = key.secret
    return out


def _page(member: str, items: list[Any], marker: str | None) -> Result:
    out: Result = {member: items, "IsTruncated": marker is not None}
    if marker is not None:
        out["Marker"] = marker
    return out


def _paging(p: Params) -> tuple[str | None, int | None]:
    return p.get("Marker"), p.get("MaxItems")


def _caller_user(call: Call, p: Params) -> str:
    """UserName, or the calling IAM user's own name (the access key calls omit it)."""
    if "UserName" in p:
        return p["UserName"]
    caller = call.world.principal_for_key(call.access_key, call.partition)
    if caller.kind != USER:
        raise InvalidValue("user_name_needed")
    return caller.name


# ---------------------------------------------------------------- users


@operation("iam", "CreateUser")
def create_user(call: Call, p: Params) -> Result:
    """An IAM user (AIDA... id) in the caller's account; names are unique without regard to case.
    `Tags` (at most 50) are the `aws:PrincipalTag/*` of its requests."""
    iam = call.world.iam
    check_tags(p.get("Tags") or [])  # refused before the user is made
    user = iam.create_user(call.account, p["UserName"], p.get("Path"), partition=call.partition)
    if p.get("Tags"):
        iam.tag(call.account, "user", user.name, p["Tags"])
    return {"User": _user(user, with_tags=True)}


@operation("iam", "GetUser")
def get_user(call: Call, p: Params) -> Result:
    """A user by name; without one, the calling user."""
    name = _caller_user(call, p)
    return {"User": _user(call.world.iam.user(call.account, name), with_tags=True)}


@operation("iam", "ListUsers")
def list_users(call: Call, p: Params) -> Result:
    """The account's users under PathPrefix, by name, paged with Marker / MaxItems."""
    users, marker = call.world.iam.list_users(call.account, p.get("PathPrefix"), *_paging(p))
    return _page("Users", [_user(u) for u in users], marker)


@operation("iam", "DeleteUser")
def delete_user(call: Call, p: Params) -> None:
    """A user without access keys or policies (else DeleteConflict)."""
    call.world.iam.delete_user(call.account, p["UserName"])


# ---------------------------------------------------------------- roles


@operation("iam", "CreateRole")
def create_role(call: Call, p: Params) -> Result:
    """A role (AROA... id) with its trust policy, Path, Description, MaxSessionDuration and
    Tags (the `aws:PrincipalTag/*` of its sessions' requests)."""
    check_tags(p.get("Tags") or [], "role")  # refused before the role is made
    role = call.world.iam.create_role(
        call.account,
        p["RoleName"],
        p["AssumeRolePolicyDocument"],
        path=p.get("Path"),
        description=p.get("Description"),
        max_session=p.get("MaxSessionDuration"),
        partition=call.partition,
    )
    if p.get("Tags"):
        call.world.iam.tag(call.account, "role", role.name, p["Tags"])
    return {"Role": _role(role)}


@operation("iam", "GetRole")
def get_role(call: Call, p: Params) -> Result:
    """A role with its trust policy."""
    return {"Role": _role(call.world.iam.role(call.account, p["RoleName"]))}


@operation("iam", "ListRoles")
def list_roles(call: Call, p: Params) -> Result:
    """The account's roles under PathPrefix, by name, paged."""
    roles, marker = call.world.iam.list_roles(call.account, p.get("PathPrefix"), *_paging(p))
    return _page("Roles", [_role(r) for r in roles], marker)


@operation("iam", "DeleteRole")
def delete_role(call: Call, p: Params) -> None:
    """A role without policies (else DeleteConflict)."""
    call.world.iam.delete_role(call.account, p["RoleName"])


@operation("iam", "UpdateAssumeRolePolicy")
def update_assume_role_policy(call: Call, p: Params) -> None:
    """Replaces a role's trust policy."""
    call.world.iam.update_assume_role_policy(call.account, p["RoleName"], p["PolicyDocument"])


# ---------------------------------------------------------------- access keys


@operation("iam", "CreateAccessKey")
def create_access_key(call: Call, p: Params) -> Result:
    """An AKIA... key for a user, at most two per user; the secret is answered only here."""
    key = call.world.iam.create_access_key(call.account, _caller_user(call, p))
    return {"AccessKey": _key(key, with_secret=True)}


@operation("iam", "ListAccessKeys")
def list_access_keys(call: Call, p: Params) -> Result:
    """A user's keys, without their secrets."""
    keys, marker = call.world.iam.list_access_keys(call.account, _caller_user(call, p), *_paging(p))
    return _page("AccessKeyMetadata", [_key(k) for k in keys], marker)


@operation("iam", "DeleteAccessKey")
def delete_access_key(call: Call, p: Params) -> None:
    """A user's key; requests signed with it then act as the default account no longer."""
    call.world.iam.delete_access_key(call.account, p["AccessKeyId"], _caller_user(call, p))


# ---------------------------------------------------------------- inline policies


def _put_inline(kind: str, member: str):
    def handler(call: Call, p: Params) -> None:
        """Adds or replaces an inline policy (2,048 characters per user, 10,240 per role)."""
        call.world.iam.put_inline_policy(
            call.account, kind, p[member], p["PolicyName"], p["PolicyDocument"]
        )

    return handler


def _get_inline(kind: str, member: str):
    def handler(call: Call, p: Params) -> Result:
        """An inline policy's document."""
        name, document = call.world.iam.get_inline_policy(
            call.account, kind, p[member], p["PolicyName"]
        )
        return {member: name, "PolicyName": p["PolicyName"], "PolicyDocument": _encoded(document)}

    return handler


def _delete_inline(kind: str, member: str):
    def handler(call: Call, p: Params) -> None:
        """Removes an inline policy."""
        call.world.iam.delete_inline_policy(call.account, kind, p[member], p["PolicyName"])

    return handler


def _list_inline(kind: str, member: str):
    def handler(call: Call, p: Params) -> Result:
        """The names of the inline policies, paged."""
        names, marker = call.world.iam.list_inline_policies(
            call.account, kind, p[member], *_paging(p)
        )
        return _page("PolicyNames", names, marker)

    return handler


def _tag(kind: str, member: str):
    def handler(call: Call, p: Params) -> None:
        """Adds tags (at most 50 in all; a key of any case replaces the old one)."""
        call.world.iam.tag(call.account, kind, p[member], p["Tags"])

    return handler


def _untag(kind: str, member: str):
    def handler(call: Call, p: Params) -> None:
        """Removes the tags of the keys given; an absent key is no error."""
        call.world.iam.untag(call.account, kind, p[member], p["TagKeys"])

    return handler


def _list_tags(kind: str, member: str):
    def handler(call: Call, p: Params) -> Result:
        """The tags, by key, paged."""
        tags = call.world.iam.tags_of(call.account, kind, p[member])
        chosen, marker = page(tags, lambda t: t[0], *_paging(p))
        return _page("Tags", [{"Key": k, "Value": v} for k, v in chosen], marker)

    return handler


for _kind, _entity, _member in (("user", "User", "UserName"), ("role", "Role", "RoleName")):
    operation("iam", f"Tag{_entity}")(_tag(_kind, _member))
    operation("iam", f"Untag{_entity}")(_untag(_kind, _member))
    operation("iam", f"List{_entity}Tags")(_list_tags(_kind, _member))
    operation("iam", f"Put{_entity}Policy")(_put_inline(_kind, _member))
    operation("iam", f"Get{_entity}Policy")(_get_inline(_kind, _member))
    operation("iam", f"Delete{_entity}Policy")(_delete_inline(_kind, _member))
    operation("iam", f"List{_entity}Policies")(_list_inline(_kind, _member))


# ---------------------------------------------------------------- managed policies


@operation("iam", "CreatePolicy")
def create_policy(call: Call, p: Params) -> Result:
    """A customer managed policy (ANPA... id) with its first version, v1."""
    policy = call.world.iam.create_policy(
        call.account,
        p["PolicyName"],
        p["PolicyDocument"],
        path=p.get("Path"),
        description=p.get("Description"),
        partition=call.partition,
    )
    return {"Policy": _policy(call, policy)}


@operation("iam", "GetPolicy")
def get_policy(call: Call, p: Params) -> Result:
    """A customer managed policy of the caller's account, or an AWS managed one."""
    return {"Policy": _policy(call, call.world.iam.get_policy(call.account, p["PolicyArn"]))}


@operation("iam", "GetPolicyVersion")
def get_policy_version(call: Call, p: Params) -> Result:
    """One version's document."""
    iam = call.world.iam
    policy = iam.get_policy(call.account, p["PolicyArn"])
    version = iam.get_policy_version(call.account, p["PolicyArn"], p["VersionId"])
    return {"PolicyVersion": _version(version, default=policy.default_version)}


@operation("iam", "CreatePolicyVersion")
def create_policy_version(call: Call, p: Params) -> Result:
    """A new version (at most five are kept), the default one when SetAsDefault."""
    iam = call.world.iam
    version = iam.create_policy_version(
        call.account, p["PolicyArn"], p["PolicyDocument"], p.get("SetAsDefault", False)
    )
    policy = iam.get_policy(call.account, p["PolicyArn"])
    return {"PolicyVersion": _version(version, default=policy.default_version)}


@operation("iam", "DeletePolicyVersion")
def delete_policy_version(call: Call, p: Params) -> None:
    """A version other than the default one."""
    call.world.iam.delete_policy_version(call.account, p["PolicyArn"], p["VersionId"])


@operation("iam", "ListPolicyVersions")
def list_policy_versions(call: Call, p: Params) -> Result:
    """Every version of a policy, newest first."""
    iam = call.world.iam
    policy = iam.get_policy(call.account, p["PolicyArn"])
    versions = iam.list_policy_versions(call.account, p["PolicyArn"])
    return {
        "Versions": [_version(v, default=policy.default_version) for v in versions],
        "IsTruncated": False,
    }


@operation("iam", "DeletePolicy")
def delete_policy(call: Call, p: Params) -> None:
    """A customer managed policy attached to nothing, with only its default version."""
    call.world.iam.delete_policy(call.account, p["PolicyArn"])


@operation("iam", "ListPolicies")
def list_policies(call: Call, p: Params) -> Result:
    """The account's and AWS's managed policies by Scope, OnlyAttached and PathPrefix, paged."""
    policies, marker = call.world.iam.list_policies(
        call.account,
        p.get("Scope"),
        p.get("OnlyAttached", False),
        p.get("PathPrefix"),
        p.get("PolicyUsageFilter"),
        *_paging(p),
        partition=call.partition,
    )
    return _page("Policies", [_policy(call, x, with_description=False) for x in policies], marker)


def _attach(kind: str, member: str):
    def handler(call: Call, p: Params) -> None:
        """Attaches a managed policy (at most ten per identity)."""
        call.world.iam.attach_policy(call.account, kind, p[member], p["PolicyArn"])

    return handler


def _detach(kind: str, member: str):
    def handler(call: Call, p: Params) -> None:
        """Detaches a managed policy."""
        call.world.iam.detach_policy(call.account, kind, p[member], p["PolicyArn"])

    return handler


def _list_attached(kind: str, member: str):
    def handler(call: Call, p: Params) -> Result:
        """The attached managed policies, paged."""
        policies, marker = call.world.iam.list_attached(
            call.account, kind, p[member], p.get("PathPrefix"), *_paging(p)
        )
        listed = [{"PolicyName": x.name, "PolicyArn": x.arn} for x in policies]
        return _page("AttachedPolicies", listed, marker)

    return handler


for _kind, _entity, _member in (("user", "User", "UserName"), ("role", "Role", "RoleName")):
    operation("iam", f"Attach{_entity}Policy")(_attach(_kind, _member))
    operation("iam", f"Detach{_entity}Policy")(_detach(_kind, _member))
    operation("iam", f"ListAttached{_entity}Policies")(_list_attached(_kind, _member))


@operation("iam", "GetAccountAuthorizationDetails")
def get_account_authorization_details(call: Call, p: Params) -> Result:
    """The account's users and roles with their policies, and its managed policies with
    every version (AWS's only when attached in the account), by Filter, paged."""
    iam = call.world.iam
    users, roles, policies, marker = iam.authorization_details(
        call.account, p.get("Filter"), *_paging(p), partition=call.partition
    )

    def inline(entity: User | Role) -> list[Result]:
        return [{"PolicyName": n, "PolicyDocument": _encoded(d)} for n, d in entity.inline.items()]

    def attached(entity: User | Role) -> list[Result]:
        found = [iam.managed(arn) for arn in entity.attached]
        return [{"PolicyName": x.name, "PolicyArn": x.arn} for x in found if x is not None]

    answer: Result = {
        "UserDetailList": [
            {
                **_user(u),
                "UserPolicyList": inline(u),
                "GroupList": [],
                "AttachedManagedPolicies": attached(u),
            }
            for u in users
        ],
        "GroupDetailList": [],
        "RoleDetailList": [
            {
                "Path": r.path,
                "RoleName": r.name,
                "RoleId": r.id,
                "Arn": r.arn,
                "CreateDate": _time(r.created),
                "AssumeRolePolicyDocument": _encoded(r.trust_policy),
                "InstanceProfileList": [],
                "RolePolicyList": inline(r),
                "AttachedManagedPolicies": attached(r),
            }
            for r in roles
        ],
        "Policies": [
            {
                **_policy(call, x),
                "PolicyVersionList": [
                    _version(v, default=x.default_version) for v in reversed(x.versions)
                ],
            }
            for x in policies
        ],
    }
    answer["IsTruncated"] = marker is not None
    if marker is not None:
        answer["Marker"] = marker
    return answer
