"""The action table: an entry for every served operation, and the ARNs and keys it yields."""

from __future__ import annotations

import re

import pytest

from emulator.api.registry import REGISTRY, load_all
from emulator.core.access import actions
from emulator.core.organizations.membership import Membership

PREFIXES = {
    "ec2": "ec2",
    "kms": "kms",
    "organizations": "organizations",
    "iam": "iam",
    "sts": "sts",
}


def test_every_registered_operation_has_an_entry() -> None:
    load_all()
    missing = sorted(key for key in REGISTRY if actions.entry(*key) is None)
    assert not missing


@pytest.mark.parametrize("item", actions.entries(), ids=lambda i: f"{i.service}.{i.operation}")
def test_each_entry_is_well_formed(item: actions.ActionEntry) -> None:
    for action in item.actions:
        service, _, name = action.partition(":")
        assert service == PREFIXES[item.service] and re.fullmatch(r"[A-Z][A-Za-z0-9]+", name)
    for resource in item.resources:
        assert resource.arn.startswith(("arn:${Partition}:", "${")), resource
    for key in item.condition_keys:
        assert re.fullmatch(r"[a-z0-9]+:[A-Za-z0-9/${}:]+", key), key


def test_arns_come_from_the_parameters() -> None:
    run = actions.entry("ec2", "RunInstances")
    assert run is not None
    arns = dict(
        actions.resource_arns(
            run,
            {"ImageId": "ami-0123456789abcdef0", "SubnetId": "subnet-1", "KeyName": "k"},
            partition="aws",
            region="eu-west-1",
            account="111122223333",
            membership=None,
        )
    )
    assert arns["image"] == "arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0"
    assert arns["instance"] == "arn:aws:ec2:eu-west-1:111122223333:instance/*"
    assert arns["subnet"] == "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1"
    assert arns["key-pair"] == "arn:aws:ec2:eu-west-1:111122223333:key-pair/k"


def test_organizations_arns_name_the_organization_and_pick_the_target_type() -> None:
    place = Membership("o-abcdefghij", "r-ab12", (), "123456789012")
    item = actions.entry("organizations", "ListChildren")
    assert item is not None

    def arns(parent: str) -> list[tuple[str, str]]:
        return actions.resource_arns(
            item,
            {"ParentId": parent},
            partition="aws",
            region="us-east-1",
            account="111122223333",
            membership=place,
        )

    assert arns("r-ab12") == [
        ("root", "arn:aws:organizations::123456789012:root/o-abcdefghij/r-ab12")
    ]
    assert arns("ou-ab12-11111111") == [
        ("ou", "arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-11111111")
    ]


def test_an_action_without_a_resource_type_is_asked_on_star() -> None:
    item = actions.entry("iam", "ListUsers")
    assert item is not None
    assert actions.resource_arns(
        item, {}, partition="aws", region="us-east-1", account="1", membership=None
    ) == [("", "*")]


def test_a_policy_sees_only_the_keys_the_table_lists_and_the_global_ones() -> None:
    context = {
        "aws:PrincipalAccount": "111122223333",
        "aws:RequestTag/team": "a",
        "aws:TagKeys": ["team"],
        "ec2:Owner": "111122223333",
        "kms:ViaService": "ec2.us-east-1.amazonaws.com",
    }
    assert set(actions.visible("ec2:CreateVpc", context)) == {
        "aws:PrincipalAccount",
        "aws:RequestTag/team",
        "aws:TagKeys",
    }
    assert set(actions.visible("ec2:RunInstances", context)) == {
        "aws:PrincipalAccount",
        "aws:RequestTag/team",
        "aws:TagKeys",
        "ec2:Owner",
    }
    assert set(actions.visible("kms:Decrypt", context)) == {
        "aws:PrincipalAccount",
        "kms:ViaService",
    }
    assert actions.visible("s3:GetObject", context) == context  # not in the table: all
