"""``python -m emulator.docgen``: the supported-operations page, written from the registry."""

from __future__ import annotations

import inspect

from emulator.api.registry import REGISTRY, load_all
from emulator.protocol.models import SERVICES, service_model

TITLES = {
    "ec2": "Amazon EC2 (Query protocol)",
    "organizations": "AWS Organizations (JSON 1.1)",
    "kms": "AWS KMS (JSON 1.1)",
    "sts": "AWS STS (Query protocol)",
    "iam": "AWS IAM (Query protocol, global)",
}


def render() -> str:
    load_all()
    lines = [
        "# Supported operations",
        "",
        "Generated from the operation registry by `make docs` (`python -m emulator.docgen`);",
        "a test fails when this page and the code disagree. Any other operation of these",
        "services answers `InvalidAction` (EC2) or the service's own invalid-input error.",
    ]
    for service in SERVICES:
        ops = sorted(name for svc, name in REGISTRY if svc == service)
        if not ops:
            continue
        total = len(service_model(service).operation_names)
        lines += [
            "",
            f"## {TITLES[service]}",
            "",
            f"{len(ops)} of the model's {total} operations.",
            "",
            "| Operation | What the emulator does |",
            "|---|---|",
        ]
        for name in ops:
            doc = inspect.getdoc(REGISTRY[(service, name)]) or ""
            summary = doc.split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
            lines.append(f"| `{name}` | {summary} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
