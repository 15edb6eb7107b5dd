"""The access gate before every handler: the world's decision, answered in each service's form.

EC2 answers ``UnauthorizedOperation`` with the encoded authorization failure message; KMS
``AccessDeniedException`` and IAM and STS ``AccessDenied`` in the words "User: <arn> is not
authorized to perform: <action> on resource: <arn> <because>"; Organizations its own
``AccessDeniedException`` ("You don't have permissions to access this resource.").
"""

from __future__ import annotations

from typing import Any

from emulator.api.errors import AwsError
from emulator.api.registry import GATES, Call
from emulator.core.authorization import Step, because, unauthorized

_DENIED = "User: {principal} is not authorized to perform: {action} on resource: {resource}"
ORGANIZATIONS_DENIED = "You don't have permissions to access this resource."


def check(call: Call, params: dict[str, Any]) -> None:
    """Refuse the call as its service does when a policy layer refuses it."""
    step = call.world.gate(call.service, call.operation, params, call.account, call.region)
    if step is not None:
        raise denial(call.service, step)


def denial(service: str, step: Step) -> Exception:
    """The service's answer to a policy refusal (only EC2 hands out an encoded message)."""
    if service == "ec2":
        return unauthorized(step)
    if service == "organizations":
        return AwsError("AccessDeniedException", ORGANIZATIONS_DENIED, 400)
    message = f"{_DENIED.format(**step.evidence)} {because(step)}"
    if service == "kms":
        return AwsError("AccessDeniedException", message, 400)
    return AwsError("AccessDenied", message, 403)


GATES.append(check)
