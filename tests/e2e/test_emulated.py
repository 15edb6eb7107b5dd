"""``emulated()``: real boto3 clients, however made, answered in-process by one World."""

from __future__ import annotations

import os
import unittest

import boto3
import botocore.exceptions
import pytest

from emulator.core.world import World
from emulator.testing import NotEmulated, active_world, emulated, in_process_client

DEMO_IMAGE = "ami-0abcdef1234567890"
MANAGEMENT, DEV, SANDBOX = "123456789012", "111122223333", "444455556666"
ENGINEERING = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers there


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)


def _client(service: str, account: str, **options: str):
    return boto3.client(
        service,
        aws_access_key_id=account,
        aws_secret_access_key="any",
        region_name=options.pop("region_name", "us-east-1"),
        **options,
    )


def test_every_client_is_answered_by_the_world_whatever_it_names() -> None:
    with emulated(scenario="demo") as world:
        # No credentials, no Region, no endpoint: the world's default account and Region.
        assert boto3.client("sts").get_caller_identity()["Account"] == world.config.default_account
        # A 12-digit key is that account, whatever endpoint the client was given.
        sts = _client("sts", DEV, endpoint_url=NOWHERE)
        assert sts.get_caller_identity()["Account"] == DEV
        ec2 = _client("ec2", MANAGEMENT, region_name="eu-west-1")
        image = ec2.register_image(Name="made-in-block", RootDeviceName="/dev/xvda")["ImageId"]
    images = world.to_dict()["ec2"]["regions"]["eu-west-1"]["images"]
    assert image in {i["image_id"] for i in images}


def test_org_and_ou_grants_decide_who_sees_an_image() -> None:
    with emulated(scenario="demo"):
        dev, sandbox = _client("ec2", DEV), _client("ec2", SANDBOX)
        assert dev.describe_images(Owners=[MANAGEMENT])["Images"] == []
        _client("ec2", MANAGEMENT).modify_image_attribute(
            ImageId=DEMO_IMAGE,
            LaunchPermission={"Add": [{"OrganizationalUnitArn": ENGINEERING}]},
        )
        assert [i["ImageId"] for i in dev.describe_images(Owners=[MANAGEMENT])["Images"]] == [
            DEMO_IMAGE
        ]
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            sandbox.describe_images(ImageIds=[DEMO_IMAGE])
        assert refused.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"


def test_a_client_made_before_the_block_is_answered_only_inside_it() -> None:
    sts = _client("sts", DEV, endpoint_url=NOWHERE)
    with emulated():
        assert sts.get_caller_identity()["Account"] == DEV
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        sts.get_caller_identity()


def test_the_environment_and_default_session_come_back() -> None:
    before = boto3.DEFAULT_SESSION
    with emulated() as world:
        assert os.environ["AWS_ACCESS_KEY_ID"] == world.config.default_account
        assert boto3.DEFAULT_SESSION is not before or before is None
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert boto3.DEFAULT_SESSION is before


def test_credentials_already_set_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SANDBOX)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "mine")
    with emulated():
        assert boto3.client("sts").get_caller_identity()["Account"] == SANDBOX


def test_the_default_account_is_configurable() -> None:
    with emulated(default_account="210987654321"):
        anonymous = _client("sts", "AKIAIOSFODNN7EXAMPLE")
        assert anonymous.get_caller_identity()["Account"] == "210987654321"


def test_a_service_the_emulator_does_not_serve_is_refused_clearly() -> None:
    with (
        emulated(),
        pytest.raises(NotEmulated, match=r"does not serve s3 \(ListBuckets\).*fallback"),
    ):
        _client("s3", MANAGEMENT).list_buckets()


def test_with_fallback_moto_answers_the_other_services_and_only_those() -> None:
    pytest.importorskip("moto")
    with emulated(scenario="demo", fallback="moto"):
        s3 = _client("s3", MANAGEMENT)
        s3.create_bucket(Bucket="kept-in-moto")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept-in-moto"]
        # EC2 is the emulator's: the demo image, which moto does not have.
        ec2 = _client("ec2", MANAGEMENT)
        assert [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]] == [
            DEMO_IMAGE
        ]
    with emulated(fallback="moto"):
        assert _client("s3", MANAGEMENT).list_buckets()["Buckets"] == []


def test_nested_blocks_answer_from_the_innermost() -> None:
    with emulated() as outer:
        with emulated(scenario="demo") as inner:
            assert active_world() is inner
            assert boto3.client("ec2").describe_images(Owners=["self"])["Images"]
        assert active_world() is outer
        assert boto3.client("ec2").describe_images(Owners=["self"])["Images"] == []


def test_a_given_world_is_kept_between_blocks() -> None:
    world = World()
    with emulated(world):
        boto3.client("organizations").create_organization(FeatureSet="ALL")
    with emulated(world):
        assert boto3.client("organizations").describe_organization()["Organization"]


def test_an_in_process_client_keeps_its_own_world() -> None:
    own = World()
    client = in_process_client(own, "organizations")
    with emulated() as world:
        client.create_organization(FeatureSet="ALL")
    assert own.orgs.to_dict() != World().orgs.to_dict()
    assert world.orgs.to_dict() == World().orgs.to_dict()


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="fallback"):
        emulated(fallback="localstack")
    with pytest.raises(ValueError, match="world"):
        emulated(World(), scenario="demo")


@emulated(scenario="demo")
def test_as_a_function_decorator() -> None:
    assert boto3.client("ec2").describe_images(ImageIds=[DEMO_IMAGE])["Images"]


@emulated()
class TestAsAClassDecorator:
    """Each test gets a fresh world."""

    def test_first_creates(self) -> None:
        boto3.client("organizations").create_organization(FeatureSet="ALL")
        assert active_world().orgs.to_dict()

    def test_second_sees_none(self) -> None:
        with pytest.raises(botocore.exceptions.ClientError, match="AWSOrganizationsNotInUse"):
            boto3.client("organizations").describe_organization()


class TestOneMethodDecorated:
    @emulated(scenario="demo")
    def test_the_method_runs_inside(self) -> None:
        assert boto3.client("ec2").describe_images(ImageIds=[DEMO_IMAGE])["Images"]

    def test_the_others_do_not(self) -> None:
        with pytest.raises(RuntimeError, match="no emulated"):
            active_world()


@emulated()
class TestWithSetupMethod:
    def setup_method(self, method: object) -> None:
        boto3.client("organizations").create_organization(FeatureSet="ALL")

    def test_sees_what_setup_made(self) -> None:
        assert boto3.client("organizations").describe_organization()["Organization"]


@emulated(scenario="demo")
class UnittestStyle(unittest.TestCase):
    def setUp(self) -> None:
        self.ec2 = boto3.client("ec2")

    def test_set_up_runs_inside(self) -> None:
        self.assertEqual(len(self.ec2.describe_images(Owners=["self"])["Images"]), 1)


@pytest.mark.ami_scenario("demo")
def test_the_fixture(ami_emulated: World) -> None:
    assert active_world() is ami_emulated
    owner = _client("ec2", MANAGEMENT, endpoint_url=NOWHERE)
    assert owner.describe_images(ImageIds=[DEMO_IMAGE])["Images"]
