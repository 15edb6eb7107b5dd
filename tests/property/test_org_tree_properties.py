"""Under any sequence of creates, moves and deletes, the organization stays a tree.

The machine drives ``OrgTree`` with random operations (some of them refused, as they
should be) and checks after every step that every account has exactly one parent, that OUs
form no cycle and nest at most five deep, that ``membership()`` agrees with walking
ListParents, and that ListChildren and ListParents tell the same story.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from emulator.core.errors import Conflict, InvalidValue, LimitExceeded, NotFound
from emulator.core.ids import IdSource
from emulator.core.organizations.tree import OrgTree

MGMT = "111111111111"
NOW = datetime(2024, 1, 1, tzinfo=UTC)
NAMES = st.sampled_from(["a", "b", "c"])  # few names, so duplicates happen


def walk(list_page) -> list:
    """Every item of a paged listing, following NextToken with small pages."""
    items, token = list_page(None)
    while token is not None:
        page, token = list_page(token)
        items += page
    return items


class OrgTreeMachine(RuleBasedStateMachine):
    @initialize(seed=st.integers(0, 2**16))
    def start(self, seed: int) -> None:
        self.tree = OrgTree(ids=IdSource(seed), clock=lambda: NOW)
        self.org = self.tree.create_organization(MGMT)
        self.emails = 0

    # ------------------------------------------------------------ views through the API

    def ous(self) -> list[str]:
        """Every OU id, found by walking down from the root with ListChildren."""
        found, todo = [], [self.org.root_id]
        while todo:
            parent = todo.pop()
            kids = self.children(parent, "ORGANIZATIONAL_UNIT")
            found += kids
            todo += kids
        return found

    def parents(self) -> list[str]:
        return [self.org.root_id, *self.ous()]

    def accounts(self) -> list[str]:
        return [a.id for a in walk(lambda t: self.tree.list_accounts(MGMT, t, 3))]

    def children(self, parent: str, kind: str) -> list[str]:
        return walk(lambda t: self.tree.list_children(MGMT, parent, kind, t, 2))

    def depth(self, parent: str) -> int:
        """OU levels from the root down to ``parent``, found by walking ListParents."""
        steps = 0
        while parent != self.org.root_id:
            parent = self.parent_of(parent)
            steps += 1
        return steps

    def parent_of(self, child: str) -> str:
        (parent,) = walk(lambda t: self.tree.list_parents(MGMT, child, t, None))
        return parent[0]

    # ------------------------------------------------------------ rules

    @rule(data=st.data(), name=NAMES)
    def create_ou(self, data: st.DataObject, name: str) -> None:
        parent = data.draw(st.sampled_from(self.parents()))
        try:
            self.tree.create_ou(MGMT, parent, name)
        except (LimitExceeded, Conflict) as err:
            assert err.reason in ("ou_depth_limit_exceeded", "duplicate_ou")

    @rule(name=NAMES)
    def deepen(self, name: str) -> None:
        """Nest under the deepest OU, so the depth limit is reached often."""
        deepest = max(self.parents(), key=self.depth)
        try:
            self.tree.create_ou(MGMT, deepest, name)
        except (LimitExceeded, Conflict) as err:
            assert err.reason in ("ou_depth_limit_exceeded", "duplicate_ou")

    @rule(data=st.data())
    def delete_ou(self, data: st.DataObject) -> None:
        ous = self.ous()
        if not ous:
            return
        ou = data.draw(st.sampled_from(ous))
        empty = not self.children(ou, "ACCOUNT") and not self.children(ou, "ORGANIZATIONAL_UNIT")
        try:
            self.tree.delete_ou(MGMT, ou)
            assert empty
        except Conflict as err:
            assert err.reason == "ou_not_empty" and not empty

    @rule()
    def create_account(self) -> None:
        self.emails += 1
        req = self.tree.create_account(MGMT, f"a{self.emails}@example.com", "acct")
        assert req.state == "SUCCEEDED"
        assert self.parent_of(req.account_id) == self.org.root_id

    @rule(data=st.data())
    def move_account(self, data: st.DataObject) -> None:
        account = data.draw(st.sampled_from(self.accounts()))
        destination = data.draw(st.sampled_from(self.parents()))
        source = self.parent_of(account)
        try:
            self.tree.move_account(MGMT, account, source, destination)
            assert self.parent_of(account) == destination
        except Conflict as err:
            assert err.reason == "duplicate_account" and destination == source

    @rule(data=st.data())
    def move_from_wrong_source(self, data: st.DataObject) -> None:
        account = data.draw(st.sampled_from(self.accounts()))
        source = data.draw(st.sampled_from(self.parents()))
        if source == self.parent_of(account):
            return
        try:
            self.tree.move_account(MGMT, account, source, self.org.root_id)
            raise AssertionError("a move from the wrong source parent was accepted")
        except NotFound as err:
            assert err.reason == "source_parent_not_found"

    @rule(data=st.data(), leave=st.booleans())
    def remove_account(self, data: st.DataObject, leave: bool) -> None:
        account = data.draw(st.sampled_from(self.accounts()))
        try:
            if leave:
                self.tree.leave_organization(account)
            else:
                self.tree.remove_account(MGMT, account)
            assert account != MGMT
            assert self.tree.membership(account) is None
        except InvalidValue as err:
            assert account == MGMT
            assert err.reason in ("management_cannot_leave", "management_cannot_be_removed")

    # ------------------------------------------------------------ invariants

    @invariant()
    def every_account_has_exactly_one_parent(self) -> None:
        placed: list[str] = []
        for parent in self.parents():
            placed += self.children(parent, "ACCOUNT")
        assert sorted(placed) == sorted(self.accounts())
        assert len(placed) == len(set(placed))
        assert MGMT in placed

    @invariant()
    def ous_form_a_tree_at_most_five_deep(self) -> None:
        ous = self.ous()
        assert len(ous) == len(set(ous))
        for ou in ous:
            assert 1 <= self.depth(ou) <= 5

    @invariant()
    def membership_agrees_with_list_parents(self) -> None:
        for account in self.accounts():
            chain, node = [], self.parent_of(account)
            while node != self.org.root_id:
                chain.append(node)
                node = self.parent_of(node)
            m = self.tree.membership(account)
            assert m is not None
            assert (m.org_id, m.root_id, m.management_account) == (
                self.org.id,
                self.org.root_id,
                MGMT,
            )
            assert m.ou_path == tuple(reversed(chain))
            assert self.tree.path(account) == m.principal_org_path + account + "/"

    @invariant()
    def children_and_parents_agree(self) -> None:
        for parent in self.parents():
            for kind in ("ACCOUNT", "ORGANIZATIONAL_UNIT"):
                for child in self.children(parent, kind):
                    assert self.parent_of(child) == parent

    @invariant()
    def snapshot_round_trips(self) -> None:
        data = self.tree.to_dict()
        copy = OrgTree.from_dict(data, ids=IdSource(0), clock=lambda: NOW)
        assert copy.to_dict() == data


TestOrgTree = OrgTreeMachine.TestCase
TestOrgTree.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
