"""The wire itself, spoken raw over HTTP: routing, envelopes, and bad input of every kind."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlencode, urlsplit

import pytest
import xmltodict
from botocore.exceptions import ClientError

from emulator.protocol.models import service_model

EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
ORG_TARGET = "AWSOrganizationsV20161128"
ORG_ERROR_CODES = {shape.name for shape in service_model("organizations").error_shapes}


def raw(
    url: str,
    body: bytes | str = b"",
    *,
    method: str = "POST",
    path: str = "/",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    data = body.encode() if isinstance(body, str) else body
    conn.request(method, path, body=data, headers=headers or {})
    resp = conn.getresponse()
    out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    conn.close()
    return out


def ec2(url: str, params: dict[str, str] | str) -> tuple[int, dict]:
    body = params if isinstance(params, str) else urlencode(params)
    status, _, data = raw(url, body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    return status, xmltodict.parse(data)


def ec2_error(doc: dict) -> tuple[str, str]:
    error = doc["Response"]["Errors"]["Error"]
    assert doc["Response"]["RequestID"]
    return error["Code"], error["Message"]


def org(url: str, op: str, body: bytes | str) -> tuple[int, dict[str, str], dict]:
    status, headers, data = raw(
        url,
        body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"{ORG_TARGET}.{op}",
        },
    )
    return status, headers, json.loads(data)


@pytest.fixture
def url(server, aws) -> str:
    return server.url


def test_ec2_success_envelope_has_namespace_and_request_id(url: str) -> None:
    status, doc = ec2(url, {"Action": "DescribeImages", "Version": "2016-11-15", "Owner.1": "self"})
    assert status == 200
    root = doc["DescribeImagesResponse"]
    assert root["@xmlns"] == EC2_NS
    assert root["requestId"]


def test_ec2_get_with_query_string_works(url: str) -> None:
    status, _, data = raw(
        url, method="GET", path="/?Action=DescribeImages&Version=2016-11-15&Owner.1=self"
    )
    assert status == 200
    assert b"<DescribeImagesResponse" in data


def test_operation_without_output_answers_return_true(url: str, aws) -> None:
    status, doc = ec2(url, {"Action": "DisableImageBlockPublicAccess", "Version": "2016-11-15"})
    assert status == 200
    status, doc = ec2(
        url,
        {
            "Action": "ResetImageAttribute",
            "Version": "2016-11-15",
            "ImageId": "ami-12345678",
            "Attribute": "launchPermission",
        },
    )
    assert status == 400  # unknown image; the no-output answer is checked below
    image = aws("ec2").register_image(Name="wire-test")["ImageId"]
    status, doc = ec2(
        url,
        {
            "Action": "ResetImageAttribute",
            "Version": "2016-11-15",
            "ImageId": image,
            "Attribute": "launchPermission",
        },
    )
    assert status == 200
    assert doc["ResetImageAttributeResponse"]["return"] == "true"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            {"Action": "DescribeImages", "Version": "2016-11-15", "MaxResults": "banana"},
            "InvalidParameterValue",
        ),
        (
            {"Action": "DescribeImages", "Version": "2016-11-15", "ImageId.0": "ami-12345678"},
            "InvalidParameterValue",
        ),
        (
            {"Action": "DescribeImages", "Version": "2016-11-15", "ImageId.x": "ami-12345678"},
            "InvalidParameterValue",
        ),
        (
            {"Action": "DescribeImages", "Version": "2016-11-15", "DryRun": "maybe"},
            "InvalidParameterValue",
        ),
        ({"Action": "DescribeImages", "Version": "2016-11-15", "Bogus": "1"}, "UnknownParameter"),
        (
            {"Action": "DescribeImages", "Version": "2016-11-15", "Filter.1.Nme": "x"},
            "UnknownParameter",
        ),
        ({"Action": "ModifyImageAttribute", "Version": "2016-11-15"}, "MissingParameter"),
        ({"Action": "NoSuchThing", "Version": "2016-11-15"}, "InvalidAction"),
        ({"Version": "2016-11-15"}, "MissingAction"),
        (
            {"Action": "DescribeImages", "Version": "2016-11-15", "Owner.1": "a\x01b"},
            "InvalidParameterValue",
        ),
    ],
)
def test_bad_ec2_input_is_a_4xx_aws_error(url: str, params: dict, code: str) -> None:
    status, doc = ec2(url, params)
    assert status == 400
    assert ec2_error(doc)[0] == code


def test_missing_parameter_names_it(url: str) -> None:
    status, doc = ec2(
        url,
        {
            "Action": "DescribeImageAttribute",
            "Version": "2016-11-15",
            "Attribute": "launchPermission",
        },
    )
    assert (status, ec2_error(doc)) == (
        400,
        ("MissingParameter", "The request must contain the parameter ImageId"),
    )


def test_non_utf8_body_is_a_4xx(url: str) -> None:
    status, _, data = raw(
        url,
        b"Action=DescribeImages&Version=2016-11-15&Owner.1=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400
    assert b"<Code>" in data


def test_model_operation_we_do_not_emulate_says_so(url: str) -> None:
    status, doc = ec2(url, {"Action": "DescribeNatGateways", "Version": "2016-11-15"})
    assert status == 400
    code, message = ec2_error(doc)
    assert code == "InvalidAction"
    assert "DescribeNatGateways" in message


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", b'"text"', b"\xff\xfe"])
def test_bad_json_body_is_a_4xx(url: str, body: bytes) -> None:
    status, headers, doc = org(url, "ListRoots", body)
    assert status == 400
    assert doc["__type"] in ORG_ERROR_CODES
    assert headers["x-amzn-requestid"]


def test_wrong_json_type_is_a_4xx(url: str, aws) -> None:
    aws("organizations").create_organization()
    status, _, doc = org(url, "DescribeOrganizationalUnit", json.dumps({"OrganizationalUnitId": 5}))
    assert status == 400
    assert doc["__type"] == "InvalidInputException"


def test_empty_json_body_is_an_empty_input(url: str, aws) -> None:
    aws("organizations").create_organization()
    status, _, doc = org(url, "ListRoots", b"")
    assert status == 200
    assert len(doc["Roots"]) == 1


def test_unknown_json_target_is_a_4xx(url: str) -> None:
    status, _, doc = org(url, "NoSuchOperation", b"{}")
    assert status == 400
    assert doc["__type"] in ORG_ERROR_CODES
    status, _, _ = raw(
        url,
        b"{}",
        headers={"X-Amz-Target": "NoSuchService.Op", "Content-Type": "application/x-amz-json-1.1"},
    )
    assert status == 400


def test_json_timestamps_are_epoch_numbers(url: str, aws) -> None:
    aws("organizations").create_organization()
    status, _, doc = org(url, "ListAccounts", b"{}")
    assert status == 200
    assert isinstance(doc["Accounts"][0]["JoinedTimestamp"], (int, float))


def test_body_over_the_limit_is_refused_before_reading(url: str) -> None:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("POST", "/")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(11 * 1024 * 1024))
    conn.endheaders()
    conn.send(b"Action=DescribeImages")  # far less than announced: the server must not wait
    resp = conn.getresponse()
    assert resp.status == 413
    assert b"<Code>" in resp.read()
    conn.close()


def test_region_and_account_come_from_the_credential_scope(aws) -> None:
    west = aws("ec2", account="210987654321", region="us-west-2")
    image = west.register_image(Name="scoped")["ImageId"]
    found = west.describe_images(ImageIds=[image])["Images"][0]
    assert found["OwnerId"] == "210987654321"
    with pytest.raises(ClientError) as err:
        aws("ec2", account="210987654321", region="us-east-1").describe_images(ImageIds=[image])
    assert err.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"


def test_unsigned_request_is_the_default_account(url: str, aws) -> None:
    image = aws("ec2").register_image(Name="default-owner")["ImageId"]
    status, doc = ec2(
        url, {"Action": "DescribeImages", "Version": "2016-11-15", "ImageId.1": image}
    )
    assert status == 200
    item = doc["DescribeImagesResponse"]["imagesSet"]["item"]
    assert item["imageOwnerId"] == "123456789012"


def test_dry_run_answers_412_and_changes_nothing(aws) -> None:
    client = aws("ec2")
    image = client.register_image(Name="dry")["ImageId"]
    with pytest.raises(ClientError) as err:
        client.modify_image_attribute(
            ImageId=image, DryRun=True, LaunchPermission={"Add": [{"UserId": "111122223333"}]}
        )
    assert err.value.response["Error"]["Code"] == "DryRunOperation"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    perms = client.describe_image_attribute(ImageId=image, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == []
    with pytest.raises(ClientError) as err:
        client.modify_image_attribute(
            ImageId="ami-12345678",
            DryRun=True,
            LaunchPermission={"Add": [{"UserId": "111122223333"}]},
        )
    assert err.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"
