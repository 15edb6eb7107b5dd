"""An unexpected failure answers a 500 in each service's own words, never a traceback."""

from __future__ import annotations

import botocore.session
import pytest

from emulator.protocol.dispatch import _as_aws


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("ec2", "InternalError"),
        ("sts", "InternalError"),
        ("organizations", "ServiceException"),
        ("kms", "KMSInternalException"),
    ],
)
def test_unexpected_failures_are_500s_with_the_services_code(service: str, code: str) -> None:
    err = _as_aws(service, RuntimeError("boom"), "request-1")
    assert (err.code, err.status) == (code, 500)
    assert "boom" not in err.message


@pytest.mark.parametrize("service", ["organizations", "kms"])
def test_json_services_internal_codes_exist_in_their_models(service: str) -> None:
    model = botocore.session.get_session().get_service_model(service)
    code = _as_aws(service, RuntimeError(), "r").code
    assert code in {shape.name for shape in model.error_shapes}
