"""botocore's service models, loaded once, and the names requests use to reach them."""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore.model import OperationModel, ServiceModel

# Our service name -> botocore model name. Add a service here and register its operations.
SERVICES = ("ec2", "organizations", "kms", "sts", "iam")


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> ServiceModel:
    return _session().get_service_model(service)


@cache
def operation_model(service: str, operation: str) -> OperationModel | None:
    model = service_model(service)
    if operation not in model.operation_names:
        return None
    return model.operation_model(operation)


@cache
def json_targets() -> dict[str, str]:
    """``X-Amz-Target`` prefix -> service, for the JSON protocol services."""
    targets = {}
    for service in SERVICES:
        prefix = service_model(service).metadata.get("targetPrefix")
        if prefix:
            targets[prefix] = service
    return targets


def protocol_of(service: str) -> str:
    return service_model(service).metadata["protocol"]
