"""Every registered operation survives a round trip through botocore itself.

botocore's serializer writes a request that our parser must read back to the same
params; our serializer writes an answer that botocore's parser must read back to the
same dict.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import botocore.parsers
import botocore.serialize
import pytest

from emulator.api.registry import REGISTRY, load_all
from emulator.protocol import json_protocol, xml_writer
from emulator.protocol.models import operation_model, protocol_of, service_model
from emulator.protocol.query_parser import parse_params
from tests.protocol.samples import normalise, sample

load_all()
OPERATIONS = sorted(REGISTRY)


def _ids(key: tuple[str, str]) -> str:
    return f"{key[0]}.{key[1]}"


def test_registry_is_not_empty() -> None:
    assert ("ec2", "DescribeImages") in REGISTRY
    assert ("organizations", "DescribeOrganization") in REGISTRY


@pytest.mark.parametrize("key", OPERATIONS, ids=_ids)
def test_request_round_trip(key: tuple[str, str]) -> None:
    service, name = key
    op = operation_model(service, name)
    params = sample(op.input_shape) if op.input_shape is not None else {}
    protocol = protocol_of(service)
    wire = botocore.serialize.create_serializer(
        protocol, include_validation=False
    ).serialize_to_request(params, op)
    if protocol == "json":
        parsed = json_protocol.parse_body(wire["body"], op.input_shape)
    else:
        pairs = parse_qsl(urlencode(wire["body"]), keep_blank_values=True)
        parsed = parse_params(pairs, op.input_shape, ec2=protocol == "ec2")
    assert normalise(parsed) == normalise(params)


@pytest.mark.parametrize("key", OPERATIONS, ids=_ids)
def test_response_round_trip(key: tuple[str, str]) -> None:
    service, name = key
    op = operation_model(service, name)
    result = sample(op.output_shape) if op.output_shape is not None else None
    protocol = protocol_of(service)
    if protocol == "json":
        body = json_protocol.dump_result(op.output_shape, result)
    elif protocol == "ec2":
        body = xml_writer.ec2_response(name, op.output_shape, result, "req-1").encode()
    else:
        namespace = service_model(service).metadata["xmlNamespace"]
        body = xml_writer.query_response(name, namespace, op.output_shape, result, "req-1").encode()
    parser = botocore.parsers.create_parser(protocol)
    parsed = parser.parse(
        {"status_code": 200, "headers": {"x-amzn-requestid": "req-1"}, "body": body},
        op.output_shape,
    )
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    assert normalise(parsed) == normalise(result or {})
