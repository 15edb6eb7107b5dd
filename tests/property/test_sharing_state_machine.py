"""Random sequences of sharing and membership changes, checked against a small reference model.

Every step goes through boto3 against the running server. After each step, every account's
DescribeImages(ExecutableUsers=['self']) answer and RunInstances outcome must match the model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    build_org,
    executable_ids,
    launch,
    launch_permissions,
    register_image,
    share,
    unshare,
)

ROOT = "root"
FOREIGN = "foreign"
FOREIGN_ORG_ARN = "arn:aws:organizations::111111111111:organization/o-abcdefghij"
FOREIGN_OU_ARN = "arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-abcdefgh"
OU_PARENTS = {"shared": ROOT, "nested": "shared", "sibling": ROOT}
MOVABLE = ("root_account", "shared_account", "nested_account", "sibling_account")
# The management account is covered by the e2e tests; leaving it out keeps each step cheap.
CONSUMERS = (*MOVABLE, "outsider")

# Each example builds its own organization, so each needs a management account never used.
_fresh_ids = itertools.count(200000000000)


@dataclass
class Model:
    """The access rule in plain Python: parent pointers for the tree, sets for the grants."""

    parents: dict[str, str | None]  # account -> ROOT, an OU name, or None when not in the org
    accounts: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)  # "ours" or FOREIGN
    ous: set[str] = field(default_factory=set)  # OU names or FOREIGN
    public: bool = False

    def path(self, account: str) -> set[str]:
        """The OUs above the account (empty for root-level accounts and outsiders)."""
        above: set[str] = set()
        node = self.parents[account]
        while node not in (None, ROOT):
            above.add(node)
            node = OU_PARENTS[node]
        return above

    def shared_with(self, account: str) -> bool:
        """What ExecutableUsers=['self'] reports: explicit, organization or OU grants."""
        if account in self.accounts:
            return True
        if self.parents[account] is None:
            return False
        return "ours" in self.orgs or bool(self.ous & self.path(account))

    def may_launch(self, account: str) -> bool:
        return self.public or self.shared_with(account)


class SharingMachine(RuleBasedStateMachine):
    def __init__(self, aws: ClientFactory) -> None:
        super().__init__()
        self.aws = aws
        self.world: OrgWorld = build_org(aws, management=str(next(_fresh_ids)))
        self.ids = {
            "root_account": self.world.root_account,
            "shared_account": self.world.shared_account,
            "nested_account": self.world.nested_account,
            "sibling_account": self.world.sibling_account,
            "outsider": str(next(_fresh_ids)),
        }
        self.ous = {
            "shared": self.world.shared_ou,
            "nested": self.world.nested_ou,
            "sibling": self.world.sibling_ou,
        }
        self.owner = aws("ec2", account=self.world.owner)
        self.org = aws("organizations", account=self.world.management)
        self.image_id = register_image(self.owner, "machine")
        self.model = Model(
            parents={
                "root_account": ROOT,
                "shared_account": "shared",
                "nested_account": "nested",
                "sibling_account": "sibling",
                "outsider": None,
            }
        )

    def teardown(self) -> None:
        # These accounts never come back, so their pooled connections can go now.
        for account in (*self.ids.values(), self.world.owner):
            self.aws("ec2", account=account).close()
        self.org.close()

    def ec2(self, name: str) -> Client:
        return self.aws("ec2", account=self.ids[name])

    def org_entry(self, which: str) -> dict[str, str]:
        return {"OrganizationArn": self.world.org_arn if which == "ours" else FOREIGN_ORG_ARN}

    def ou_entry(self, which: str) -> dict[str, str]:
        arn = FOREIGN_OU_ARN if which == FOREIGN else self.ous[which].arn
        return {"OrganizationalUnitArn": arn}

    def parent_id(self, node: str) -> str:
        return self.world.root_id if node == ROOT else self.ous[node].id

    # --- sharing --------------------------------------------------------------------------

    @rule(name=st.sampled_from(CONSUMERS))
    def share_with_account(self, name: str) -> None:
        share(self.owner, self.image_id, {"UserId": self.ids[name]})
        self.model.accounts.add(name)

    @rule(name=st.sampled_from(CONSUMERS))
    def unshare_account(self, name: str) -> None:
        unshare(self.owner, self.image_id, {"UserId": self.ids[name]})
        self.model.accounts.discard(name)

    @rule(which=st.sampled_from(["ours", FOREIGN]))
    def share_with_org(self, which: str) -> None:
        share(self.owner, self.image_id, self.org_entry(which))
        self.model.orgs.add(which)

    @rule(which=st.sampled_from(["ours", FOREIGN]))
    def unshare_org(self, which: str) -> None:
        unshare(self.owner, self.image_id, self.org_entry(which))
        self.model.orgs.discard(which)

    @rule(which=st.sampled_from([*OU_PARENTS, FOREIGN]))
    def share_with_ou(self, which: str) -> None:
        share(self.owner, self.image_id, self.ou_entry(which))
        self.model.ous.add(which)

    @rule(which=st.sampled_from([*OU_PARENTS, FOREIGN]))
    def unshare_ou(self, which: str) -> None:
        unshare(self.owner, self.image_id, self.ou_entry(which))
        self.model.ous.discard(which)

    @rule(on=st.booleans())
    def public(self, on: bool) -> None:
        (share if on else unshare)(self.owner, self.image_id, {"Group": "all"})
        self.model.public = on

    @rule()
    def reset(self) -> None:
        self.owner.reset_image_attribute(ImageId=self.image_id, Attribute="launchPermission")
        self.model.accounts.clear()
        self.model.orgs.clear()
        self.model.ous.clear()
        self.model.public = False

    # --- membership -----------------------------------------------------------------------

    @rule(name=st.sampled_from(MOVABLE), destination=st.sampled_from([ROOT, *OU_PARENTS]))
    def move(self, name: str, destination: str) -> None:
        source = self.model.parents[name]
        if source is None:
            return
        request = {
            "AccountId": self.ids[name],
            "SourceParentId": self.parent_id(source),
            "DestinationParentId": self.parent_id(destination),
        }
        if source == destination:
            try:
                self.org.move_account(**request)
            except ClientError as error:
                assert error.response["Error"]["Code"] == "DuplicateAccountException"
            else:
                raise AssertionError("moving an account where it already is must fail")
            return
        self.org.move_account(**request)
        self.model.parents[name] = destination

    @rule(name=st.sampled_from(MOVABLE))
    def remove_from_organization(self, name: str) -> None:
        if self.model.parents[name] is None:
            return
        self.org.remove_account_from_organization(AccountId=self.ids[name])
        self.model.parents[name] = None

    # --- the comparison ----------------------------------------------------------------------

    @invariant()
    def every_account_sees_and_launches_what_the_model_says(self) -> None:
        for name in CONSUMERS:
            ec2 = self.ec2(name)
            listed = self.image_id in executable_ids(ec2)
            assert listed == self.model.shared_with(name), (name, "ExecutableUsers=self")
            try:
                launch(ec2, self.image_id)
                launched = True
            except ClientError as error:
                assert error.response["Error"]["Code"] == "AuthFailure", error.response
                launched = False
            assert launched == self.model.may_launch(name), (name, "RunInstances")

    @invariant()
    def launch_permissions_list_the_explicit_entries(self) -> None:
        expected = (
            [{"UserId": self.ids[n]} for n in self.model.accounts]
            + [self.org_entry(w) for w in self.model.orgs]
            + [self.ou_entry(w) for w in self.model.ous]
            + ([{"Group": "all"}] if self.model.public else [])
        )

        def key(entry: dict[str, str]) -> tuple[tuple[str, str], ...]:
            return tuple(sorted(entry.items()))

        listed = launch_permissions(self.owner, self.image_id)
        assert sorted(map(key, listed)) == sorted(map(key, expected))


def test_sharing_matches_the_reference_model(aws: ClientFactory) -> None:
    run_state_machine_as_test(
        lambda: SharingMachine(aws),
        settings=settings(
            max_examples=20,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
