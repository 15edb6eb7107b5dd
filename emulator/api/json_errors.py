"""Errors for JSON requests whose ``X-Amz-Target`` names no service the emulator serves.

With no service there is no model to take codes from, so these are the codes AWS's JSON
endpoints answer for a target they cannot route (``UnknownOperationException``) and for a
body they cannot read (``SerializationException``).
"""

from __future__ import annotations

from emulator.api.errors import EDGE_MESSAGES, Catalogue, Entry

_UNKNOWN = "UnknownOperationException"
_UNREADABLE = "SerializationException"

# Not registered as a service's catalogue: dispatch uses it when the target matches none.
JSON_ERRORS = Catalogue(
    "json",
    {
        "unknown_target": Entry(_UNKNOWN, "Unknown target: '{target}'"),
        "method_not_allowed": Entry(_UNKNOWN, EDGE_MESSAGES["method_not_allowed"]),
        "unknown_path": Entry(_UNKNOWN, EDGE_MESSAGES["unknown_path"]),
        "malformed_request": Entry(_UNREADABLE, EDGE_MESSAGES["malformed_request"]),
        "malformed_body": Entry(_UNREADABLE, "{detail}"),
        "body_too_large": Entry("RequestEntityTooLarge", EDGE_MESSAGES["body_too_large"]),
    },
)
