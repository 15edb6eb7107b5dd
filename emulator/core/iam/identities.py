"""IAM users, roles, their access keys and inline policies: create, read, list, delete."""

from __future__ import annotations

import re

from emulator.core.commit import commit
from emulator.core.errors import Conflict, LimitExceeded, NotFound
from emulator.core.iam.documents import check_identity_policy, check_trust_policy
from emulator.core.iam.records import (
    ACCESS_KEYS_PER_USER,
    DEFAULT_MAX_SESSION,
    MAX_PATH,
    MAX_POLICY_NAME,
    MAX_ROLE_NAME,
    MAX_USER_NAME,
    NAME,
    PATH,
    PATH_PREFIX,
    ROLE_INLINE_CHARS,
    SESSION_DURATION,
    TRUST_POLICY_CHARS,
    USER_INLINE_CHARS,
    AccessKey,
    Checks,
    Role,
    User,
    significant_chars,
)
from emulator.core.iam.store import IamStore, new_secret, page

_PRINCIPAL_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::(?P<account>\d{12}):(?P<kind>user|role)/(?:[^/]+/)*(?P<name>[^/]+)$"
)


def _name_path(checks: Checks, member: str, name: str, longest: int, path: str | None) -> None:
    checks.text(member, name, longest=longest, pattern=NAME)
    checks.text("path", path, longest=MAX_PATH, pattern=PATH)


def _prefix(path_prefix: str | None) -> str:
    checks = Checks()
    checks.text("pathPrefix", path_prefix, longest=MAX_PATH, pattern=PATH_PREFIX)
    checks.done()
    return path_prefix or "/"


class IdentityOperations(IamStore):
    """Users and roles of one account at a time (the caller's account comes first)."""

    # ------------------------------------------------------------ users

    def create_user(
        self, account: str, name: str, path: str | None = None, *, partition: str = "aws"
    ) -> User:
        checks = Checks()
        _name_path(checks, "userName", name, MAX_USER_NAME, path)
        checks.done()
        if self.find_user(account, name) is not None:
            raise Conflict("user_exists", name=name)
        commit()
        user = User(account, name, self._ids.iam_id("AIDA"), path or "/", self._now(), partition)
        self._users.setdefault(account, {})[name.casefold()] = user
        return user

    def list_users(
        self, account: str, path_prefix: str | None, marker: str | None, max_items: int | None
    ) -> tuple[list[User], str | None]:
        prefix = _prefix(path_prefix)
        return page(
            (u for u in self.users_of(account) if u.path.startswith(prefix)),
            lambda u: u.name.casefold(),
            marker,
            max_items,
        )

    def delete_user(self, account: str, name: str) -> None:
        user = self.user(account, name)
        if self._user_keys(user):
            raise Conflict("delete_conflict", what="delete access keys")
        if user.inline:
            raise Conflict("delete_conflict", what="delete policies")
        if user.attached:
            raise Conflict("delete_conflict", what="detach all policies")
        commit()
        del self._users[account][user.name.casefold()]

    # ------------------------------------------------------------ roles

    def create_role(
        self,
        account: str,
        name: str,
        trust_policy: str,
        *,
        path: str | None = None,
        description: str | None = None,
        max_session: int | None = None,
        partition: str = "aws",
    ) -> Role:
        checks = Checks()
        _name_path(checks, "roleName", name, MAX_ROLE_NAME, path)
        checks.text(
            "description",
            description,
            shortest=0,
            longest=1000,
            pattern=r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
        )
        checks.number("maxSessionDuration", max_session, *SESSION_DURATION)
        checks.done()
        self._check_trust(trust_policy)
        if self.find_role(account, name) is not None:
            raise Conflict("role_exists", name=name)
        commit()
        role = Role(
            account,
            name,
            self._ids.iam_id("AROA"),
            path or "/",
            self._now(),
            trust_policy,
            description,
            max_session or DEFAULT_MAX_SESSION,
            partition,
        )
        self._roles.setdefault(account, {})[name.casefold()] = role
        return role

    def list_roles(
        self, account: str, path_prefix: str | None, marker: str | None, max_items: int | None
    ) -> tuple[list[Role], str | None]:
        prefix = _prefix(path_prefix)
        return page(
            (r for r in self.roles_of(account) if r.path.startswith(prefix)),
            lambda r: r.name.casefold(),
            marker,
            max_items,
        )

    def delete_role(self, account: str, name: str) -> None:
        role = self.role(account, name)
        if role.inline:
            raise Conflict("delete_conflict", what="delete policies")
        if role.attached:
            raise Conflict("delete_conflict", what="detach all policies")
        commit()
        del self._roles[account][role.name.casefold()]

    def update_assume_role_policy(self, account: str, name: str, document: str) -> None:
        role = self.role(account, name)
        self._check_trust(document)
        commit()
        role.trust_policy = document

    def _check_trust(self, document: str) -> None:
        check_trust_policy(document, self.principal_exists)
        if significant_chars(document) > TRUST_POLICY_CHARS:
            raise LimitExceeded("quota", quota="ACLSizePerRole", limit=TRUST_POLICY_CHARS)

    def principal_exists(self, arn: str) -> bool:
        """Whether a user or role ARN names one that exists (with that path)."""
        match = _PRINCIPAL_ARN.match(arn)
        if match is None:
            return False
        found = (self.find_user if match["kind"] == "user" else self.find_role)(
            match["account"], match["name"]
        )
        return found is not None and found.arn.split(":", 2)[2] == arn.split(":", 2)[2]

    # ------------------------------------------------------------ access keys

    def _user_keys(self, user: User) -> list[AccessKey]:
        return list(self._keys_of.get((user.account, user.name.casefold()), {}).values())

    def create_access_key(self, account: str, user_name: str) -> AccessKey:
        user = self.user(account, user_name)
        if len(self._user_keys(user)) >= ACCESS_KEYS_PER_USER:
            raise LimitExceeded("quota", quota="AccessKeysPerUser", limit=ACCESS_KEYS_PER_USER)
        commit()
        key = AccessKey(
            self._ids.iam_id("AKIA", 16), new_secret(40), account, user.name, self._now()
        )
        self._add_key(key)
        return key

    def list_access_keys(
        self, account: str, user_name: str, marker: str | None, max_items: int | None
    ) -> tuple[list[AccessKey], str | None]:
        user = self.user(account, user_name)
        return page(self._user_keys(user), lambda k: k.id, marker, max_items)

    def delete_access_key(self, account: str, key_id: str, user_name: str) -> None:
        checks = Checks()
        checks.text("accessKeyId", key_id, shortest=16, longest=128, pattern=r"[\w]+")
        checks.done()
        user = self.user(account, user_name)
        key = self._keys.get(key_id)
        if key is None or key.account != account or key.user != user.name:
            raise NotFound("access_key_not_found", key=key_id)
        commit()
        self._drop_key(key)

    # ------------------------------------------------------------ inline policies

    def put_inline_policy(
        self, account: str, kind: str, entity_name: str, policy_name: str, document: str
    ) -> None:
        checks = Checks()
        checks.text(f"{kind}Name", entity_name, longest=MAX_USER_NAME, pattern=NAME)
        checks.text("policyName", policy_name, longest=MAX_POLICY_NAME, pattern=NAME)
        checks.done()
        check_identity_policy(document)
        entity = self._entity(account, kind, entity_name)
        others = sum(significant_chars(d) for n, d in entity.inline.items() if n != policy_name)
        limit = USER_INLINE_CHARS if kind == "user" else ROLE_INLINE_CHARS
        if others + significant_chars(document) > limit:
            raise LimitExceeded("policy_size", limit=limit, kind=kind, name=entity.name)
        commit()
        entity.inline[policy_name] = document

    def get_inline_policy(
        self, account: str, kind: str, entity_name: str, policy_name: str
    ) -> tuple[str, str]:
        """The entity's name as IAM keeps it, and the document."""
        entity = self._entity(account, kind, entity_name)
        if policy_name not in entity.inline:
            raise NotFound(f"{kind}_policy_not_found", policy=policy_name, name=entity.name)
        return entity.name, entity.inline[policy_name]

    def delete_inline_policy(
        self, account: str, kind: str, entity_name: str, policy_name: str
    ) -> None:
        entity = self._entity(account, kind, entity_name)
        if policy_name not in entity.inline:
            raise NotFound(f"{kind}_policy_not_found", policy=policy_name, name=entity.name)
        commit()
        del entity.inline[policy_name]

    def list_inline_policies(
        self, account: str, kind: str, entity_name: str, marker: str | None, max_items: int | None
    ) -> tuple[list[str], str | None]:
        entity = self._entity(account, kind, entity_name)
        return page(entity.inline, lambda n: n, marker, max_items)
