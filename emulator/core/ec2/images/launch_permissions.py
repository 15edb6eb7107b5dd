"""Launch permission entries of an AMI: validation, and applying adds then removes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from emulator.core.errors import InvalidValue, LimitExceeded
from emulator.core.organizations.membership import Membership

GROUP = "group"
USER = "user"
ORG = "org"
OU = "ou"

_ACCOUNT_RE = re.compile(r"\d{12}")
_ORG_ARN_RE = re.compile(r"arn:aws[a-z-]*:organizations::\d{12}:organization/(o-[a-z0-9]{10,32})")
_OU_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:organizations::\d{12}:ou/(o-[a-z0-9]{10,32})/(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})"
)
# How an explicit entry reaches an account: by its id, its organization, or an OU on its path.
VIA_ACCOUNT = "account"
VIA_ORGANIZATION = "organization"
VIA_OU = "ou"

# The item type AWS names in InvalidAMIAttributeItemValue (note the lowercase userId).
ITEM_TYPES = {
    USER: "userId",
    GROUP: "UserGroup",
    ORG: "OrganizationArn",
    OU: "OrganizationalUnitArn",
}


@dataclass(frozen=True)
class Grant:
    """One launch permission entry as given: ``all``, an account, an org ARN or an OU ARN."""

    kind: str
    value: str

    @property
    def org_id(self) -> str:
        """The organization id inside an org or OU ARN."""
        match = (_ORG_ARN_RE if self.kind == ORG else _OU_ARN_RE).fullmatch(self.value)
        assert match is not None  # only validated grants are stored
        return match.group(1)

    @property
    def ou_id(self) -> str:
        match = _OU_ARN_RE.fullmatch(self.value)
        assert match is not None
        return match.group(2)


PUBLIC = Grant(GROUP, "all")


def validate(grant: Grant) -> None:
    """Raise ``invalid_attribute_item`` unless the entry is well formed."""
    ok = {
        GROUP: lambda v: v == "all",
        USER: _ACCOUNT_RE.fullmatch,
        ORG: _ORG_ARN_RE.fullmatch,
        OU: _OU_ARN_RE.fullmatch,
    }[grant.kind](grant.value)
    if not ok:
        raise InvalidValue(
            "invalid_attribute_item", value=grant.value, item_type=ITEM_TYPES[grant.kind]
        )


@dataclass
class LaunchPermissions:
    """The explicit entries of one AMI, in the order they were added.

    A value: ``entries`` is never changed in place (``applied`` and ``dataclasses.replace``
    make new ones), so the lookups built from it once stay true, and every question the
    access rule asks of it costs O(1) however many entries there are.
    """

    entries: list[Grant] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._set = set(self.entries)
        self.accounts = frozenset(g.value for g in self.entries if g.kind == USER)
        org_ids: set[str] = set()
        ous: dict[str, set[str]] = {}
        for g in self.entries:
            # An ARN that does not parse (only a hand-made snapshot can hold one) grants nothing.
            match = _ORG_ARN_RE.fullmatch(g.value) if g.kind == ORG else None
            if match:
                org_ids.add(match.group(1))
            match = _OU_ARN_RE.fullmatch(g.value) if g.kind == OU else None
            if match:
                ous.setdefault(match.group(1), set()).add(match.group(2))
        self.org_ids = frozenset(org_ids)
        self._ous = ous

    @property
    def public(self) -> bool:
        return PUBLIC in self._set

    def __contains__(self, grant: Grant) -> bool:
        return grant in self._set

    def ous_in(self, org_id: str) -> set[str]:
        """The ids of the granted OUs of organization ``org_id``."""
        return self._ous.get(org_id, set())

    def ou_ids(self) -> set[str]:
        """The ids of every granted OU, whatever its organization."""
        return {ou for ous in self._ous.values() for ou in ous}

    def match(self, account: str, membership: Membership | None) -> tuple[str, str] | None:
        """How an entry shares the image with ``account`` as (via, value): by account id,
        org, or the nearest granted OU on its path; ownership and public access are not
        entries. Org and OU entries match by the ids in the ARN against the membership at
        this moment; the ARN's account is ignored. O(depth of the path)."""
        if account in self.accounts:
            return VIA_ACCOUNT, account
        if membership is None:
            return None
        if membership.org_id in self.org_ids:
            return VIA_ORGANIZATION, membership.org_id
        granted_ous = self.ous_in(membership.org_id)
        for ou_id in reversed(membership.ou_path):
            if ou_id in granted_ous:
                return VIA_OU, ou_id
        return None

    def of_kind(self, kind: str) -> list[Grant]:
        return [g for g in self.entries if g.kind == kind]

    def applied(self, adds: Iterable[Grant], removes: Iterable[Grant]) -> LaunchPermissions:
        """A copy with adds applied first, then removes; repeats and absent removes are no-ops."""
        entries = list(self.entries)
        seen = set(self._set)
        for grant in adds:
            if grant not in seen:
                seen.add(grant)
                entries.append(grant)
        gone = set(removes)
        return LaunchPermissions([g for g in entries if g not in gone])

    def shared_entity_count(self) -> int:
        """Entities counted by the sharing quota: accounts, organizations and OUs."""
        return len(self._set) - (1 if self.public else 0)

    def to_list(self) -> list[dict[str, str]]:
        return [{"kind": g.kind, "value": g.value} for g in self.entries]

    @classmethod
    def from_list(cls, data: Iterable[dict[str, Any]]) -> LaunchPermissions:
        return cls([Grant(d["kind"], d["value"]) for d in data])


def change(
    current: LaunchPermissions,
    adds: list[Grant],
    removes: list[Grant],
    max_entities: int | None,
) -> LaunchPermissions:
    """Validate every entry (all or nothing) and return the permissions after the change."""
    for grant in [*adds, *removes]:
        validate(grant)
    result = current.applied(adds, removes)
    if max_entities is not None and result.shared_entity_count() > max(
        max_entities, current.shared_entity_count()
    ):
        raise LimitExceeded("launch_permission_limit", limit=max_entities)
    return result
