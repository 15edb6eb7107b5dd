"""The launch permission layer, DescribeImages visibility, and the grant index."""

from __future__ import annotations

import pytest

from emulator.api.ec2.errors import EC2_ERRORS
from emulator.core.ec2.filters import Filter
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.grant_index import GrantIndex
from emulator.core.ec2.images.launch_permissions import GROUP, Grant
from emulator.core.ec2.storage import snapshot_permissions
from emulator.core.errors import CoreError, Gone, InvalidValue, NotAuthorized, NotFound
from tests.unit.ec2.ec2_world import (
    OWNER,
    REGION,
    Harness,
    Rule,
    org_arn,
    org_grant,
    ou,
    ou_grant,
    user,
)

A, B, C = "222222222222", "333333333333", "444444444444"


def aws(err: CoreError) -> tuple[str, str]:
    out = EC2_ERRORS.to_aws(err)
    return out.code, out.message


def assert_index_consistent(h: Harness) -> None:
    for state in h.ec2.regions.values():
        assert state.grants == GrantIndex.build(state.images.values())


def test_owner_always_launches_and_regions_never_mix() -> None:
    h = Harness()
    image = h.image()
    assert h.decide(image.image_id, OWNER, REGION) == Rule(True, "owner", OWNER)
    assert h.decide(image.image_id, OWNER, "eu-west-1") == Rule(False, "none")
    assert h.decide("ami-00000000000000000", OWNER, REGION) == Rule(False, "none")


def test_each_kind_of_grant() -> None:
    h = Harness()
    h.join(A, ou(1), ou(2))
    h.join(B, ou(3))
    image = h.image()
    assert not h.decide(image.image_id, A, REGION).allowed
    h.share(image, ou_grant(ou(1)))
    assert h.decide(image.image_id, A, REGION) == Rule(True, "ou", ou(1))
    assert not h.decide(image.image_id, B, REGION).allowed
    h.share(image, ou_grant(ou(2)))
    # The nearest granted ancestor is named.
    assert h.decide(image.image_id, A, REGION) == Rule(True, "ou", ou(2))
    h.share(image, org_grant())
    assert h.decide(image.image_id, B, REGION) == Rule(True, "organization", "o-aaaaaaaaaa")
    h.share(image, user(C))
    assert h.decide(image.image_id, C, REGION) == Rule(True, "account", C)
    h.share(image, Grant(GROUP, "all"))
    assert h.decide(image.image_id, "555555555555", REGION) == Rule(True, "public", "all")


def test_grants_match_by_ids_not_by_arn_account() -> None:
    h = Harness()
    h.join(A, ou(1))
    image = h.image()
    other_mgmt = org_arn().replace("999999999999", "123456789012")
    h.share(image, Grant("org", other_mgmt))
    assert h.decide(image.image_id, A, REGION).via == "organization"
    foreign = h.image()
    h.share(foreign, org_grant("o-bbbbbbbbbb"), ou_grant(ou(1), org_id="o-bbbbbbbbbb"))
    assert not h.decide(foreign.image_id, A, REGION).allowed


def test_membership_changes_take_effect_at_once() -> None:
    h = Harness()
    h.join(A, ou(1))
    image = h.image()
    h.share(image, ou_grant(ou(1)))
    assert A in _launchers(h, image.image_id)
    h.join(A, ou(2))
    assert A not in _launchers(h, image.image_id)
    assert image.image_id not in h.ids_for(A)
    h.join(A, ou(2), ou(1))
    assert image.image_id in h.ids_for(A, executable_users=["self"])
    del h.members[A]
    assert image.image_id not in h.ids_for(A)


def _launchers(h: Harness, image_id: str) -> set[str]:
    return {a for a in (A, B, C) if h.decide(image_id, a, REGION).allowed}


def test_removing_an_account_covered_by_org_keeps_access() -> None:
    h = Harness()
    h.join(A)
    image = h.image()
    h.share(image, org_grant(), user(A))
    catalog.modify_launch_permissions(h.env, h.at(), OWNER, image.image_id, [], [user(A)])
    assert image.launch_permissions.entries == [org_grant()]
    assert h.decide(image.image_id, A, REGION).via == "organization"


def test_reset_leaves_only_the_owner() -> None:
    h = Harness()
    h.join(A)
    image = h.image()
    h.share(image, org_grant(), user(B), Grant(GROUP, "all"))
    catalog.reset_image_attribute(h.env, h.at(), OWNER, image.image_id, "launchPermission")
    assert image.launch_permissions.entries == []
    assert _launchers(h, image.image_id) == set()
    assert h.decide(image.image_id, OWNER, REGION).allowed
    assert_index_consistent(h)


def test_describe_images_default_self_and_other_account() -> None:
    h = Harness()
    h.join(A, ou(1))
    own = h.image(owner=A, name="own")
    public = h.image(name="public")
    h.share(public, Grant(GROUP, "all"))
    by_org = h.image(name="by-org")
    h.share(by_org, org_grant())
    by_ou = h.image(name="by-ou")
    h.share(by_ou, ou_grant(ou(1)))
    by_id = h.image(name="by-id")
    h.share(by_id, user(A))
    to_b = h.image(name="to-b")
    h.share(to_b, user(B))
    hidden = h.image(name="hidden")

    everything = {i.image_id for i in (own, public, by_org, by_ou, by_id)}
    granted = {i.image_id for i in (by_org, by_ou, by_id)}
    assert set(h.ids_for(A)) == everything
    assert set(h.ids_for(A, executable_users=["self"])) == granted
    assert set(h.ids_for(A, executable_users=[A])) == granted
    assert h.ids_for(A, executable_users=["all"]) == [public.image_id]
    assert h.ids_for(A, owners=["self"]) == [own.image_id]
    # The owner asking about B sees only images naming B explicitly.
    assert h.ids_for(OWNER, executable_users=[B]) == [to_b.image_id]
    assert h.ids_for(OWNER, executable_users=[A]) == [by_id.image_id]
    # Owners, ExecutableUsers and Filters AND together; values within one OR.
    assert h.ids_for(A, owners=[A], executable_users=["self", "all"]) == []
    assert set(h.ids_for(A, owners=[OWNER], executable_users=["self", "all"])) == granted | {
        public.image_id
    }
    got = h.ids_for(A, executable_users=["self"], filters=[Filter("name", ("by-o*",))])
    assert set(got) == {by_org.image_id, by_ou.image_id}
    assert hidden.image_id not in h.ids_for(OWNER, executable_users=["self"])


def test_describe_images_by_id_is_all_or_error() -> None:
    h = Harness()
    mine = h.image(owner=A)
    hidden = h.image()
    with pytest.raises(NotFound) as caught:
        h.ids_for(A, image_ids=[mine.image_id, hidden.image_id])
    assert aws(caught.value) == (
        "InvalidAMIID.NotFound",
        f"The image id '[{hidden.image_id}]' does not exist",
    )
    # Only a missing prefix is malformed (docs/semantics.md, "EC2 ids").
    with pytest.raises(CoreError) as bad:
        h.ids_for(A, image_ids=["image-123"])
    assert aws(bad.value) == (
        "InvalidAMIID.Malformed",
        'Invalid id: "image-123" (expecting "ami-...")',
    )
    with pytest.raises(InvalidValue) as unknown:
        h.ids_for(A, filters=[Filter("colour", ("red",))])
    assert aws(unknown.value) == ("InvalidParameterValue", "The filter 'colour' is invalid")


def test_owner_only_operations() -> None:
    h = Harness()
    h.join(A)
    image = h.image()
    h.share(image, org_grant())
    message = ("AuthFailure", f"Not authorized for image:{image.image_id}")
    for attempt in (
        lambda: catalog.modify_launch_permissions(h.env, h.at(), A, image.image_id, [user(A)], []),
        lambda: catalog.reset_image_attribute(h.env, h.at(), A, image.image_id, "launchPermission"),
        lambda: catalog.image_attribute(
            h.env, h.ec2.read(REGION), A, image.image_id, "description"
        ),
        lambda: catalog.modify_image_attribute(
            h.env, h.at(), A, image.image_id, "description", "x"
        ),
        lambda: catalog.deregister_image(h.at(), h.env, A, image.image_id),
    ):
        with pytest.raises(NotAuthorized) as caught:
            attempt()
        assert aws(caught.value) == message
    assert image.launch_permissions.entries == [org_grant()]
    # Someone who cannot see the image is told it does not exist.
    with pytest.raises(NotFound):
        catalog.deregister_image(h.at(), h.env, B, image.image_id)
    with pytest.raises(NotAuthorized) as restricted:
        catalog.image_attribute(
            h.env, h.ec2.read(REGION), OWNER, image.image_id, "blockDeviceMapping"
        )
    assert aws(restricted.value) == (
        "AuthFailure",
        "Unauthorized attempt to access restricted resource",
    )


def test_deregistered_image() -> None:
    h = Harness()
    image = h.image()
    h.share(image, user(A))
    catalog.deregister_image(h.at(), h.env, OWNER, image.image_id)
    assert h.ids_for(OWNER) == []
    assert h.ids_for(OWNER, image_ids=[image.image_id]) == []
    with pytest.raises(Gone) as gone:
        catalog.image_attribute(
            h.env, h.ec2.read(REGION), OWNER, image.image_id, "launchPermission"
        )
    assert aws(gone.value) == (
        "InvalidAMIID.Unavailable",
        f"The image ID '{image.image_id}' is no longer available",
    )
    with pytest.raises(NotFound):
        h.ids_for(A, image_ids=[image.image_id])
    assert_index_consistent(h)


def test_block_public_access() -> None:
    h = Harness()
    image = h.image()
    bpa.enable(h.env, h.at(), OWNER, "block-new-sharing")
    with pytest.raises(InvalidValue) as blocked:
        h.share(image, Grant(GROUP, "all"))
    code, message = aws(blocked.value)
    assert code == "OperationNotPermitted"
    assert message.startswith("You can\u2019t publicly share this image")
    assert not image.public
    h.share(image, user(A))  # account sharing is not affected
    assert bpa.state(h.env, h.ec2.read("eu-west-1"), OWNER) == "unblocked"
    bpa.disable(h.env, h.at(), OWNER)
    h.share(image, Grant(GROUP, "all"))
    assert image.public


def test_index_stays_consistent_through_every_mutation() -> None:
    h = Harness()
    h.join(A, ou(1))
    first, second = h.image(), h.image()
    steps = [
        lambda: h.share(first, user(A), org_grant(), ou_grant(ou(1)), Grant(GROUP, "all")),
        lambda: catalog.modify_launch_permissions(
            h.env, h.at(), OWNER, first.image_id, [], [user(A)]
        ),
        lambda: catalog.add_grants(h.env, h.at(), second.image_id, [user(B)]),
        # Copying someone else's image needs its snapshots shared with the copier.
        lambda: snapshot_permissions.modify(
            h.env, h.at(), OWNER, first.snapshot_ids[0], [("UserId", A)], []
        ),
        lambda: catalog.copy_image(
            h.env,
            h.ec2.read(REGION),
            h.at(),
            A,
            source_image_id=first.image_id,
            name="copy",
            description=None,
            encrypted=None,
            kms_key_id=None,
            copy_tags=False,
            tags={},
        ),
        lambda: catalog.reset_image_attribute(
            h.env, h.at(), OWNER, first.image_id, "launchPermission"
        ),
        lambda: catalog.deregister_image(h.at(), h.env, OWNER, second.image_id),
    ]
    for step in steps:
        step()
        assert_index_consistent(h)
    loaded = type(h.ec2).from_dict(
        h.ec2.to_dict(),
        ids=h.env.ids,
        clock=h.env.clock,
        membership=h.members.get,
        config=h.config,
        authorize=h.authorize,
    )
    assert loaded.to_dict() == h.ec2.to_dict()
    assert loaded.read(REGION).grants == h.ec2.read(REGION).grants
