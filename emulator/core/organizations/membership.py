"""Where an account sits in an organization: the one fact access decisions need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Membership:
    """An account's place in its organization at the moment of asking."""

    org_id: str
    root_id: str
    ou_path: tuple[str, ...]  # OU ids from the top down, ending at the account's parent
    management_account: str

    @property
    def principal_org_path(self) -> str:
        """The ``aws:PrincipalOrgPaths`` value: ``o-…/r-…/ou-…/`` with a trailing slash."""
        return "/".join((self.org_id, self.root_id, *self.ou_path)) + "/"


# Answers an account id with its membership, or None when it is in no organization.
MembershipLookup = Callable[[str], "Membership | None"]
