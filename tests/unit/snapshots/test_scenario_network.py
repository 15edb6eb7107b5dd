"""Key pairs and VPCs in scenarios: built through the core, dumped back, errors at their path."""

from __future__ import annotations

import pytest

from emulator.core.scenario import ScenarioError, build, dump

A = "111111111111"
A_PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO87tJvkXTTf2HuCuoucPwYvOOU35E2zv/UTzHPyWTKh x"


def test_key_pairs_and_vpcs_are_built_and_dumped_back() -> None:
    world = build(
        {
            "key_pairs": [{"account": A, "name": "deploy", "public_key": A_PUBLIC_KEY}],
            "vpcs": [
                {
                    "account": A,
                    "region": "eu-west-1",
                    "cidr_block": "10.0.0.0/16",
                    "tags": {"Name": "lab"},
                    "subnets": [{"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1b"}],
                }
            ],
        }
    )
    (pair,) = world.ec2.regions["us-east-1"].key_pairs.values()
    assert pair.name == "deploy" and pair.key_type == "ed25519"
    net = world.ec2.regions["eu-west-1"].network.accounts[A]
    assert sorted(v.cidr_block for v in net.vpcs.values()) == ["10.0.0.0/16", "172.31.0.0/16"]
    dumped = dump(world)
    assert dumped["vpcs"] == [
        {
            "account": A,
            "region": "eu-west-1",
            "cidr_block": "10.0.0.0/16",
            "tags": {"Name": "lab"},
            "subnets": [
                {"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1b", "tags": {}}
            ],
        }
    ]
    again = build(dumped)
    assert dump(again)["vpcs"] == dumped["vpcs"]
    assert [k["name"] for k in dump(again)["key_pairs"]] == ["deploy"]


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (
            {"key_pairs": [{"account": A, "name": "k", "public_key": "nonsense"}]},
            "key_pairs[0]",
            "key format invalid",
        ),
        ({"vpcs": [{"account": A, "cidr_block": "10.0.0.0/8"}]}, "vpcs[0]", "vpc range invalid"),
        (
            {
                "vpcs": [
                    {
                        "account": A,
                        "cidr_block": "10.0.0.0/16",
                        "subnets": [{"cidr_block": "10.9.0.0/24"}],
                    }
                ]
            },
            "vpcs[0].subnets[0]",
            "subnet range invalid",
        ),
        ({"vpcs": [{"account": A, "cidr": "10.0.0.0/16"}]}, "vpcs[0]", "cidr"),
    ],
)
def test_errors_name_the_bad_entry(data: dict, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        build(data)
    assert caught.value.path.startswith(path) and words in str(caught.value)
