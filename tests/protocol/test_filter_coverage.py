"""Every filter name botocore documents is accepted by every served EC2 operation taking Filters.

The operations come from the registry, so an operation added later is covered with no
change here. Each is called through real boto3 (in process) once per documented name; the
only failure looked for is EC2's answer to an unknown name, which must still come for a
name nobody documents (before any other check of the request).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from emulator.api.ec2.filter_docs import TAG_KEY_PLACEHOLDER, documented_filters
from emulator.api.registry import REGISTRY, load_all
from emulator.core.world import World
from emulator.protocol.models import operation_model
from emulator.testing import in_process_client

load_all()
FILTERED = sorted(
    name
    for service, name in REGISTRY
    if service == "ec2" and "Filters" in operation_model("ec2", name).input_shape.members
)


def _refusal(call: Any, name: str) -> tuple[str, str] | None:
    """EC2's error for ``Filters=[name]``, or None when the call succeeds."""
    try:
        call(Filters=[{"Name": name, "Values": ["x"]}])
    except ClientError as err:
        return err.response["Error"]["Code"], err.response["Error"]["Message"]
    return None


def test_the_operations_that_take_filters_are_found() -> None:
    assert {"DescribeImages", "DescribeInstances", "DescribeTags"} <= set(FILTERED)


@pytest.mark.parametrize("operation", FILTERED)
def test_every_documented_filter_is_accepted(operation: str) -> None:
    names = documented_filters(operation)
    assert names, f"{operation}: no filter names found in botocore's documentation"
    call = getattr(in_process_client(World(), "ec2"), xform_name(operation))
    unknown = "no-such-filter"
    assert _refusal(call, unknown) == (
        "InvalidParameterValue",
        f"The filter '{unknown}' is invalid",
    ), f"{operation} must answer an unknown filter name before anything else"
    spellings = {n: "tag:Name" if n == TAG_KEY_PLACEHOLDER else n for n in names}
    # An operation that needs more than Filters (DescribeLaunchTemplateVersions names its
    # template) answers that instead; only the unknown-name answer refuses a name.
    refused = {
        documented: answer
        for documented, sent in spellings.items()
        if _refusal(call, sent)
        == (answer := ("InvalidParameterValue", f"The filter '{sent}' is invalid"))
    }
    assert refused == {}, f"{operation} refuses documented filters"
