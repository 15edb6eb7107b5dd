"""hypothesis: the wire parsers read back whatever botocore writes, and junk never crashes them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

import botocore.serialize
from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.protocol import json_protocol
from emulator.protocol.errors import ProtocolError
from emulator.protocol.models import operation_model, service_model
from emulator.protocol.query_parser import parse_params
from tests.protocol.samples import normalise

# Text botocore can send and XML can carry back: no control characters or surrogates.
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
    max_size=20,
)
EC2_OPS = [
    "DescribeImages",
    "ModifyImageAttribute",
    "RunInstances",
    "CopyImage",
    "CreateTags",
    "RegisterImage",
    "DescribeTags",
    "CreateVolume",
    "DescribeInstances",
]
ORG_OPS = [
    "CreateAccount",
    "ListChildren",
    "MoveAccount",
    "CreateOrganizationalUnit",
    "ListCreateAccountStatus",
    "UpdateOrganizationalUnit",
]


def values(shape: Shape, depth: int = 0) -> st.SearchStrategy | None:
    if isinstance(shape, StructureShape):
        members = {
            name: values(m, depth + 1)
            for name, m in shape.members.items()
            if depth < 3 or name in shape.required_members
        }
        members = {k: v for k, v in members.items() if v is not None}
        if depth and not members:
            return None  # an empty structure puts nothing on the wire
        required = {k: v for k, v in members.items() if k in shape.required_members}
        optional = {k: v for k, v in members.items() if k not in shape.required_members}
        drawn = st.fixed_dictionaries(required, optional=optional)
        # An empty structure puts nothing on the wire, so there is nothing to read back.
        return drawn.filter(bool) if depth and members else drawn
    if isinstance(shape, ListShape):
        member = values(shape.member, depth + 1)
        return None if member is None else st.lists(member, min_size=1, max_size=3)
    if isinstance(shape, MapShape):
        value = values(shape.value, depth + 1)
        return None if value is None else st.dictionaries(TEXT.filter(bool), value, max_size=2)
    kind = shape.type_name
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else TEXT
    if kind in ("integer", "long"):
        return st.integers(-(2**40), 2**40)
    if kind == "boolean":
        return st.booleans()
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "timestamp":
        # From 1900: botocore writes earlier years unpadded ("999-01-01"), which is not ISO 8601.
        return st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.just(UTC)).map(
            lambda d: d.replace(microsecond=0)
        )
    return st.binary(max_size=8)


@st.composite
def ec2_requests(draw):
    name = draw(st.sampled_from(EC2_OPS))
    op = operation_model("ec2", name)
    return op, draw(values(op.input_shape))


@st.composite
def org_requests(draw):
    name = draw(st.sampled_from(ORG_OPS))
    op = operation_model("organizations", name)
    return op, draw(values(op.input_shape))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ec2_requests())
def test_ec2_parser_reads_back_what_botocore_writes(request) -> None:
    op, params = request
    wire = botocore.serialize.create_serializer(
        "ec2", include_validation=False
    ).serialize_to_request(params, op)
    pairs = parse_qsl(urlencode(wire["body"]), keep_blank_values=True)
    assert normalise(parse_params(pairs, op.input_shape, ec2=True)) == normalise(params)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org_requests())
def test_json_parser_reads_back_what_botocore_writes(request) -> None:
    op, params = request
    wire = botocore.serialize.create_serializer(
        "json", include_validation=False
    ).serialize_to_request(params, op)
    assert normalise(json_protocol.parse_body(wire["body"], op.input_shape)) == normalise(params)


KEY_PART = st.one_of(
    st.sampled_from(
        [
            "ImageId",
            "Filter",
            "Name",
            "Value",
            "LaunchPermission",
            "Add",
            "Remove",
            "UserId",
            "Owner",
            "MaxResults",
            "DryRun",
        ]
    ),
    st.integers(-3, 10**7).map(str),
    TEXT,
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(EC2_OPS),
    st.lists(
        st.tuples(st.lists(KEY_PART, min_size=1, max_size=4).map(".".join), st.text(max_size=30)),
        max_size=8,
    ),
)
def test_ec2_parser_answers_junk_with_protocol_errors_only(name: str, pairs) -> None:
    op = operation_model("ec2", name)
    try:
        parse_params(pairs, op.input_shape, ec2=True)
    except ProtocolError as err:
        assert err.reason in {"missing_parameter", "invalid_parameter_value", "unknown_parameter"}


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ORG_OPS),
    st.one_of(
        st.binary(max_size=60),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
            lambda kids: st.lists(kids, max_size=3) | st.dictionaries(TEXT, kids, max_size=3),
            max_leaves=8,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)
def test_json_parser_answers_junk_with_protocol_errors_only(name: str, body: bytes) -> None:
    op = operation_model("organizations", name)
    try:
        json_protocol.parse_body(body, op.input_shape)
    except ProtocolError as err:
        assert err.reason in {"missing_parameter", "invalid_parameter_value", "malformed_body"}


def test_models_load() -> None:
    assert "ModifyImageAttribute" in service_model("ec2").operation_names
