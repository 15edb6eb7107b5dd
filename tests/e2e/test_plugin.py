"""The pytest plugin as a user meets it: fixtures, the scenario marker, in-process clients."""

from __future__ import annotations

import textwrap

import pytest
from botocore.exceptions import ClientError

pytest_plugins = ["pytester"]


@pytest.mark.ami_scenario("demo")
def test_ids_by_name_and_clients_per_account(ami_ids, ami_client) -> None:
    assert ami_ids.org_id == "o-123example"
    assert ami_ids.ou("Engineering") == "ou-1234-5example"
    image = ami_ids.image("golden-image")
    ami_client("ec2").modify_image_attribute(
        ImageId=image,
        LaunchPermission={"Add": [{"OrganizationalUnitArn": ami_ids.ou_arn("Engineering")}]},
    )
    platform = ami_client("ec2", ami_ids.account("Platform-Prod"))
    assert [i["ImageId"] for i in platform.describe_images(ExecutableUsers=["self"])["Images"]] == [
        image
    ]


def test_without_a_marker_the_world_is_empty(ami_client) -> None:
    assert ami_client("ec2").describe_images()["Images"] == []
    with pytest.raises(ClientError):
        ami_client("organizations").describe_organization()


@pytest.mark.ami_scenario("demo")
def test_in_process_clients_need_no_server(ami_local) -> None:
    ec2 = ami_local("ec2", "123456789012")
    ec2.modify_image_attribute(
        ImageId="ami-0abcdef1234567890", LaunchPermission={"Add": [{"UserId": "999988887777"}]}
    )
    outsider = ami_local("ec2", "999988887777")
    assert (
        outsider.describe_images(ExecutableUsers=["self"])["Images"][0]["ImageId"]
        == "ami-0abcdef1234567890"
    )
    with pytest.raises(ClientError) as err:
        outsider.deregister_image(ImageId="ami-0abcdef1234567890")
    assert err.value.response["Error"]["Code"] == "AuthFailure"
    assert ami_local.world.orgs.membership("111122223333") is not None


def test_a_users_test_file_runs_with_the_installed_plugin(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        world=textwrap.dedent("""\
        organizations:
          - management_account: "210987654321"
            ous:
              - name: Builders
                accounts:
                  - {id: "333344445555", name: builder}
        images:
          - {owner: "210987654321", name: base-image}
    """),
    )
    pytester.makepyfile(
        textwrap.dedent("""\
        import pytest

        @pytest.mark.ami_scenario("world.yaml")
        def test_share_with_builders(ami_client, ami_ids):
            owner = ami_client("ec2", "210987654321")
            owner.modify_image_attribute(
                ImageId=ami_ids.image("base-image"),
                LaunchPermission={"Add": [{"OrganizationalUnitArn": ami_ids.ou_arn("Builders")}]})
            builder = ami_client("ec2", ami_ids.account("builder"))
            builder.run_instances(ImageId=ami_ids.image("base-image"), MinCount=1, MaxCount=1)

        def test_next_test_starts_empty(ami_client):
            owner = ami_client("ec2", "210987654321")
            assert owner.describe_images(Owners=["self"])["Images"] == []
    """)
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
