"""Calls for AWS services the emulator does not serve: each SDK and the AWS CLI read an
error in that service's own protocol, naming what the emulator serves."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.protocol.unserved import served_names
from tests.conftest import CliError
from tests.e2e.worlds import ClientFactory

SERVES = "Amazon EC2 (ec2), Organizations (organizations), KMS (kms), AWS STS (sts) and IAM (iam)"


def refused(call) -> dict:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["Error"]["Code"] == "NotImplemented"
    return response["Error"]


def test_served_names_are_the_registered_services() -> None:
    assert served_names() == SERVES


@pytest.mark.parametrize(
    ("service", "call", "full_name"),
    [
        # REST-XML
        ("s3", lambda c: c.list_buckets(), "Amazon Simple Storage Service"),
        (
            "s3",
            lambda c: c.list_objects_v2(Bucket="packer-artifacts"),
            "Amazon Simple Storage Service",
        ),
        (
            "s3",
            lambda c: c.put_object(Bucket="b", Key="k", Body=b"x"),
            "Amazon Simple Storage Service",
        ),
        ("s3", lambda c: c.delete_object(Bucket="b", Key="k"), "Amazon Simple Storage Service"),
        # JSON 1.1 and 1.0
        (
            "ssm",
            lambda c: c.get_parameter(Name="/ami/latest"),
            "Amazon Simple Systems Manager (SSM)",
        ),
        ("dynamodb", lambda c: c.list_tables(), "Amazon DynamoDB"),
        ("sqs", lambda c: c.list_queues(), "Amazon Simple Queue Service"),
        # Query
        ("sns", lambda c: c.list_topics(), "Amazon Simple Notification Service"),
        ("cloudformation", lambda c: c.list_stacks(), "AWS CloudFormation"),
        # REST-JSON
        ("lambda", lambda c: c.list_functions(), "AWS Lambda"),
        # Smithy RPC v2 CBOR (botocore's first choice for CloudWatch), whose signing name
        # is no model's name: the message names the signing name alone.
        ("cloudwatch", lambda c: c.list_metrics(), None),
    ],
)
def test_each_protocol_reads_the_refusal(
    aws: ClientFactory, service: str, call, full_name: str | None
) -> None:
    client = aws(service)
    error = refused(lambda: call(client))
    signing = client.meta.service_model.signing_name
    name = f"{full_name} ({signing})" if full_name else signing
    assert error["Message"] == (
        f"{name} is not served by this emulator. It serves {SERVES}; point "
        f"this client at AWS, or at an emulator of {signing}, for {signing} calls."
    )


def test_a_head_request_is_refused_without_a_body(aws: ClientFactory) -> None:
    with pytest.raises(ClientError) as caught:
        aws("s3").head_bucket(Bucket="packer-artifacts")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_served_services_are_unchanged(aws: ClientFactory) -> None:
    assert aws("ec2").describe_images(Owners=["self"])["Images"] == []
    assert aws("sts").get_caller_identity()["Account"]
    assert aws("kms").list_keys()["Keys"] == []


@pytest.mark.cli
@pytest.mark.parametrize(
    ("args", "operation", "signing"),
    [
        (("s3", "ls"), "ListBuckets", "s3"),
        (("s3", "ls", "s3://packer-artifacts/images/"), "ListObjectsV2", "s3"),
        (("ssm", "get-parameter", "--name", "/ami/latest"), "GetParameter", "ssm"),
        (("sqs", "list-queues"), "ListQueues", "sqs"),
        (("cloudformation", "list-stacks"), "ListStacks", "cloudformation"),
    ],
)
def test_the_cli_shows_the_message(
    cli, args: tuple[str, ...], operation: str, signing: str
) -> None:
    with pytest.raises(CliError) as caught:
        cli(*args)
    stderr = caught.value.stderr
    assert f"An error occurred (NotImplemented) when calling the {operation} operation: " in stderr
    assert f"({signing}) is not served by this emulator. It serves {SERVES}" in stderr
