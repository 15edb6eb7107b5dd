"""Scenario files: building, dumping, replaying, and errors that say where."""

from __future__ import annotations

import json

import pytest

from emulator.core.ec2 import tagging
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images import catalog
from emulator.core.kms.records import key_arn
from emulator.core.scenario import ScenarioError, build, dump, load_into
from emulator.core.world import World
from emulator.scenario_files import ScenarioFileError, check_text, demo_text, load_demo_into
from tests.unit.ec2.ec2_world import recorded


def demo() -> World:
    world = World()
    load_demo_into(world)
    return world


def test_demo_world_matches_the_reference_text() -> None:
    world = demo()
    org = world.orgs.organization("o-123example")
    assert (org.root_id, org.management_account) == ("r-ab12", "123456789012")
    nested = world.orgs.membership("222233334444")
    assert nested is not None
    assert nested.principal_org_path == "o-123example/r-ab12/ou-1234-5example/ou-1234-6example/"
    assert world.orgs.membership("111122223333").ou_path == ("ou-1234-5example",)
    assert world.orgs.membership("444455556666").ou_path == ()
    assert world.orgs.membership("999988887777") is None
    image = world.ec2.regions["us-east-1"].images["ami-0abcdef1234567890"]
    assert image.owner == "123456789012"
    assert image.launch_permissions.to_list() == []


def test_dump_then_build_gives_the_same_world() -> None:
    world = demo()
    catalog.add_grants(world.ec2.env, recorded(world.ec2, "us-east-1"), "ami-0abcdef1234567890", [])
    first = dump(world)
    assert dump(build(first)) == first


def test_dump_keeps_grants_tags_of_every_account_and_bpa() -> None:
    from emulator.core.ec2.images.launch_permissions import OU, USER, Grant

    world = demo()
    arn = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
    catalog.add_grants(
        world.ec2.env,
        recorded(world.ec2, "us-east-1"),
        "ami-0abcdef1234567890",
        [Grant(OU, arn), Grant(USER, "999988887777")],
    )
    tagging.create_tags(
        world.ec2.env,
        recorded(world.ec2, "us-east-1"),
        "111122223333",
        ["ami-0abcdef1234567890"],
        {"mine": "x"},
    )
    bpa.enable(world.ec2.env, recorded(world.ec2, "us-east-1"), "123456789012", "block-new-sharing")
    data = dump(world)
    image = data["images"][0]
    assert image["launch_permissions"] == {
        "accounts": ["999988887777"],
        "organizational_units": [arn],
    }
    assert image["tags"] == {"Name": "golden-image"}
    assert image["tags_by_account"] == {"111122223333": {"mine": "x"}}
    assert data["block_public_access"] == [
        {"account": "123456789012", "region": "us-east-1", "state": "block-new-sharing"}
    ]
    again = dump(build(data))
    assert again == data


def test_unquoted_account_ids_are_accepted() -> None:
    world = build(
        {
            "organizations": [
                {"management_account": 123456789012, "accounts": [{"id": 111122223333}]}
            ]
        }
    )
    assert world.orgs.membership("111122223333") is not None


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({"organisations": []}, "organisations", "unknown key"),
        ({"organizations": [{}]}, "organizations[0].management_account", "required"),
        (
            {"organizations": [{"management_account": "12"}]},
            "organizations[0].management_account",
            "12-digit",
        ),
        (
            {
                "organizations": [
                    {"management_account": "123456789012", "ous": [{"name": "A", "nme": 1}]}
                ]
            },
            "organizations[0].ous[0].nme",
            "unknown key",
        ),
        (
            {
                "organizations": [
                    {"management_account": "123456789012", "ous": [{"name": "A", "id": "ou-bad"}]}
                ]
            },
            "organizations[0].ous[0]",
            "invalid pattern",
        ),
        ({"images": [{"owner": "123456789012"}]}, "images[0].name", "required"),
        (
            {
                "images": [
                    {
                        "owner": "123456789012",
                        "name": "xyz",
                        "launch_permissions": {"organizations": ["o-123example"]},
                    }
                ]
            },
            "images[0].launch_permissions",
            "invalid",
        ),
        ({"version": 7}, "version", "unsupported"),
        (
            {"settings": {"block_public_access": "sometimes"}},
            "settings.block_public_access",
            "expected one of",
        ),
    ],
)
def test_errors_name_the_bad_key(data: dict, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert err.value.path == path
    assert words in err.value.message


def test_yaml_errors_carry_the_line() -> None:
    text = (
        "version: 1\norganizations:\n  - management_account: '123456789012'\n    ous:\n"
        "      - name: A\n        colour: blue\n"
    )
    with pytest.raises(ScenarioFileError) as err:
        check_text(text, "world.yaml")
    assert str(err.value).startswith("world.yaml:6: organizations[0].ous[0].colour: unknown key")


def test_broken_yaml_and_json_say_where() -> None:
    with pytest.raises(ScenarioFileError, match=r"^w\.yaml:2: not valid YAML"):
        check_text("a: 1\n b: [\n", "w.yaml")
    with pytest.raises(ScenarioFileError, match=r"^w\.json:1: not valid JSON"):
        check_text("{nope", "w.json")


def test_a_failed_load_leaves_the_world_as_it_was() -> None:
    world = demo()
    before = world.to_dict()
    with pytest.raises(ScenarioError):
        load_into(world, {"images": [{"owner": "123456789012"}]})
    assert world.to_dict() == before


def test_reset_returns_to_the_loaded_scenario() -> None:
    world = demo()
    world.orgs.create_ou("123456789012", "r-ab12", "Extra")
    world.reset()
    assert dump(world) == dump(demo())


def test_demo_text_is_documented_yaml() -> None:
    assert "ami-0abcdef1234567890" in demo_text()


# ---- KMS keys and encrypted images --------------------------------------------------------

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
OWNER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Owner",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}
ENCRYPTED = {
    "keys": [
        {
            "id": KEY_ID,
            "account": "123456789012",
            "description": "golden images",
            "aliases": ["alias/golden"],
            "policy": OWNER_POLICY,
        },
        {
            "account": "123456789012",
            "region": "eu-west-1",
            "enabled": False,
            "policy": '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
            '"Principal": {"AWS": "123456789012"}, "Action": "kms:*", "Resource": "*"}}',
        },
    ],
    "images": [
        {
            "owner": "123456789012",
            "name": "cmk",
            "block_devices": [{"device_name": "/dev/xvda", "kms_key_id": "alias/golden"}],
        },
        {
            "owner": "123456789012",
            "name": "aws-ebs",
            "block_devices": [{"device_name": "/dev/xvda", "encrypted": True}],
        },
    ],
}


def test_keys_are_built_with_their_ids_aliases_policies_and_states() -> None:
    world = build(ENCRYPTED)
    key = world.kms.resolve("alias/golden", "123456789012", "us-east-1")
    assert (key.key_id, key.description, key.state) == (KEY_ID, "golden images", "Enabled")
    assert json.loads(key.policy) == OWNER_POLICY
    (other,), _ = world.kms.list_keys("123456789012", "eu-west-1", None, None)
    assert other.state == "Disabled"
    assert json.loads(other.policy)["Statement"]["Principal"] == {"AWS": "123456789012"}


def test_block_devices_name_keys_by_alias_or_default_to_aws_ebs() -> None:
    world = build(ENCRYPTED)
    images = {i.name: i for i in world.ec2.regions["us-east-1"].images.values()}
    cmk = images["cmk"].block_devices[0]
    assert (cmk.encrypted, cmk.kms_key_id) == (
        True,
        key_arn("aws", "123456789012", "us-east-1", KEY_ID),
    )
    default = images["aws-ebs"].block_devices[0]
    assert default.kms_key_id == world.kms.aws_ebs_key("123456789012", "us-east-1")
    snapshot = world.ec2.regions["us-east-1"].snapshots[cmk.snapshot_id]
    assert (snapshot.encrypted, snapshot.kms_key_id) == (True, cmk.kms_key_id)


def test_dump_writes_customer_keys_back_and_replays() -> None:
    data = dump(build(ENCRYPTED))
    assert data["keys"][0]["id"] == KEY_ID
    assert data["keys"][0]["aliases"] == ["alias/golden"]
    assert data["keys"][1]["enabled"] is False
    assert all(k["account"] == "123456789012" for k in data["keys"])  # no aws/ebs key
    devices = {i["name"]: i["block_devices"][0] for i in data["images"]}
    assert devices["aws-ebs"]["kms_key_id"] == "alias/aws/ebs"
    assert devices["cmk"]["kms_key_id"] == key_arn("aws", "123456789012", "us-east-1", KEY_ID)
    assert dump(build(data)) == data


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({"keys": [{"region": "us-east-1"}]}, "keys[0].account", "required"),
        ({"keys": [{"account": "123456789012", "id": "nope"}]}, "keys[0].id", "key id"),
        (
            {
                "keys": [
                    {"account": "123456789012", "id": KEY_ID},
                    {"account": "123456789012", "id": KEY_ID},
                ]
            },
            "keys[1].id",
            "twice",
        ),
        ({"keys": [{"account": "123456789012", "policy": "{not json"}]}, "keys[0]", "malformed"),
        (
            {"keys": [{"account": "123456789012", "aliases": ["alias/aws/mine"]}]},
            "keys[0].aliases[0]",
            "alias reserved",
        ),
        (
            {
                "images": [
                    {
                        "owner": "123456789012",
                        "name": "xyz",
                        "block_devices": [
                            {"device_name": "/dev/xvda", "kms_key_id": "alias/missing"}
                        ],
                    }
                ]
            },
            "images[0].block_devices[0]",
            "kms key not found",
        ),
        (
            {
                "images": [
                    {
                        "owner": "123456789012",
                        "name": "xyz",
                        "block_devices": [{"device_name": "/dev/xvda", "encrypted": True}],
                        "launch_permissions": {"accounts": ["111122223333"]},
                    }
                ]
            },
            "images[0].launch_permissions",
            "aws managed key shared",
        ),
        (
            {
                "images": [
                    {
                        "owner": "123456789012",
                        "name": "xyz",
                        "block_devices": [{"device_name": "/dev/xvda", "encrypted": True}],
                        "launch_permissions": {"public": True},
                    }
                ]
            },
            "images[0].launch_permissions",
            "encrypted image public",
        ),
    ],
)
def test_key_errors_name_the_bad_key(data: dict, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert err.value.path == path
    assert words in err.value.message


GRANTED = {
    "keys": [
        {
            "id": KEY_ID,
            "account": "123456789012",
            "grants": [
                {
                    "grantee": "arn:aws:iam::111122223333:root",
                    "operations": ["Decrypt", "Encrypt"],
                    "retiring": "arn:aws:iam::111122223333:root",
                    "constraints": {"EncryptionContextSubset": {"app": "web"}},
                    "name": "web",
                },
                {"grantee": "arn:aws:iam::555566667777:root", "operations": ["Decrypt"]},
            ],
        }
    ]
}


def test_grants_are_built_on_their_key_and_dumped_back() -> None:
    world = build(GRANTED)
    arn = key_arn("aws", "123456789012", "us-east-1", KEY_ID)
    web, other = world.kms.grants.of_key(arn)
    assert (web.grantee, web.operations, web.subset, web.name) == (
        "arn:aws:iam::111122223333:root",
        ["Decrypt", "Encrypt"],
        {"app": "web"},
        "web",
    )
    assert other.retiring is None and other.subset is None
    assert (
        world.kms.can_call(
            arn, "111122223333", None, "kms:Encrypt", {"encryption_context": {"app": "web"}}
        ).grant
        == web.grant_id
    )
    data = dump(world)
    assert data["keys"][0]["grants"] == GRANTED["keys"][0]["grants"]
    assert dump(build(data)) == data


@pytest.mark.parametrize(
    ("grant", "path", "words"),
    [
        ({"operations": ["Decrypt"]}, "keys[0].grants[0].grantee", "required"),
        (
            {"grantee": "arn:aws:iam::111122223333:root", "operations": ["Sign"]},
            "keys[0].grants[0]",
            "grant operations invalid",
        ),
        (
            {"grantee": "nobody", "operations": ["Decrypt"]},
            "keys[0].grants[0]",
            "invalid principal",
        ),
        (
            {
                "grantee": "arn:aws:iam::111122223333:root",
                "operations": ["Decrypt"],
                "constraints": {"EncryptionContextSubset": ["app"]},
            },
            "keys[0].grants[0].constraints.EncryptionContextSubset",
            "expected a mapping",
        ),
        (
            {
                "grantee": "arn:aws:iam::111122223333:root",
                "operations": ["Decrypt"],
                "constraints": {"SourceArn": "x"},
            },
            "keys[0].grants[0].constraints.SourceArn",
            "unknown key",
        ),
    ],
)
def test_grant_errors_name_the_bad_key(grant: dict, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        build({"keys": [{"account": "123456789012", "grants": [grant]}]})
    assert err.value.path == path
    assert words in err.value.message
