"""In-process test doubles compared: moto's ``mock_aws`` and ``emulator.testing.emulated()``.

The same boto3 calls, on the same kind of state, under each; and botocore alone answering
a canned body (the emulator's own answer to the same call, replayed by a ``before-send``
handler), which is the floor any in-process double pays: building, signing and parsing.
The samples take turns call by call, so a change in the machine's load hits all three alike.

    python -m bench.inprocess            # prints the table; bench.run puts it in results.md
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from emulator.testing import emulated
from emulator.testing.inprocess import Body

ACCOUNT = "123456789012"
SAMPLES = 400
WARM_UP = 20
MOTO_AMIS = "MOTO_EC2_LOAD_DEFAULT_AMIS"
OURS = "http://emulated.bench"  # any endpoint: emulated() answers whatever a client names
TARGET_SHARE = 1 / 5  # the emulator's time over the floor, against moto's over the floor


@dataclass(frozen=True)
class Case:
    name: str
    service: str
    # (client, setup result) -> the timed call
    call: Callable[[Any, dict[str, str]], Callable[[], Any]]


def _setup(ec2: Any, orgs: Any) -> dict[str, str]:
    """What the calls read: an organization and one image shared with another account."""
    orgs.create_organization(FeatureSet="ALL")
    image = ec2.register_image(
        Name="bench-image",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
    )["ImageId"]
    ec2.modify_image_attribute(
        ImageId=image, LaunchPermission={"Add": [{"UserId": "111122223333"}]}
    )
    return {"image": image}


CASES = (
    Case(
        "DescribeImages(ImageIds)",
        "ec2",
        lambda c, s: lambda: c.describe_images(ImageIds=[s["image"]]),
    ),
    Case(
        "DescribeImageAttribute",
        "ec2",
        lambda c, s: (
            lambda: c.describe_image_attribute(ImageId=s["image"], Attribute="launchPermission")
        ),
    ),
    Case("GetCallerIdentity", "sts", lambda c, s: c.get_caller_identity),
    Case("DescribeOrganization", "organizations", lambda c, s: c.describe_organization),
)


def _clients(session: boto3.Session, endpoint: str | None = None) -> dict[str, Any]:
    return {
        name: session.client(name, region_name="us-east-1", endpoint_url=endpoint)
        for name in ("ec2", "sts", "organizations")
    }


def _session() -> boto3.Session:
    return boto3.Session(aws_access_key_id=ACCOUNT, aws_secret_access_key="bench")


def _floor_client(service: str, body: bytes, headers: dict[str, str]) -> Any:
    """A client whose every call is answered with ``body`` by a before-send handler."""
    client = _session().client(service, region_name="us-east-1", endpoint_url=OURS)

    def canned(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, headers, Body(body))

    client.meta.events.register_first("before-send", canned)
    return client


def _captured(client: Any) -> dict[str, Any]:
    """Record the raw answer of the next call made by ``client``."""
    seen: dict[str, Any] = {}

    def keep(http_response: Any, **_: Any) -> None:
        seen["body"], seen["headers"] = http_response.content, dict(http_response.headers)

    client.meta.events.register("after-call", lambda **kw: keep(kw["http_response"]))
    return seen


def measure(samples: int = SAMPLES) -> dict[str, Any]:
    import moto  # the bench extra

    # As for moto's server in bench.run: the same images as ours, not its public catalogue.
    saved = os.environ.get(MOTO_AMIS)
    os.environ[MOTO_AMIS] = "false"
    try:
        return _measure(moto, samples)
    finally:
        if saved is None:
            os.environ.pop(MOTO_AMIS, None)
        else:
            os.environ[MOTO_AMIS] = saved


def _measure(moto: Any, samples: int) -> dict[str, Any]:
    with emulated() as world:
        ours = _clients(_session(), OURS)
        ours_state = _setup(ours["ec2"], ours["organizations"])
        ours_calls = {case.name: case.call(ours[case.service], ours_state) for case in CASES}
        floors = {}
        for case in CASES:
            seen = _captured(ours[case.service])
            ours_calls[case.name]()
            floors[case.name] = case.call(
                _floor_client(case.service, seen["body"], seen["headers"]), ours_state
            )
    # moto's mock runs throughout (starting it again and again slows its calls down); ours
    # is entered for each of its calls (not timed), so moto's clients never reach it. Our
    # clients name an endpoint outside moto's AWS URL patterns, so moto never answers them;
    # moto's hook still looks at every call, the floor's and ours alike.
    mock = moto.mock_aws()
    mock.start()
    try:
        theirs = _clients(_session())
        their_state = _setup(theirs["ec2"], theirs["organizations"])
        their_calls = {case.name: case.call(theirs[case.service], their_state) for case in CASES}
        turns: dict[str, Callable[[Callable[[], Any]], float]] = {
            "floor": _timed,
            "ami-emulator": lambda thunk: _inside(emulated(world), thunk),
            "moto": _timed,
        }
        times: dict[str, dict[str, list[float]]] = {}
        for case in CASES:
            thunks = {"floor": floors, "ami-emulator": ours_calls, "moto": their_calls}
            for i in range(WARM_UP + samples):
                for system, turn in turns.items():
                    seconds = turn(thunks[system][case.name])
                    if i >= WARM_UP:
                        times.setdefault(case.name, {}).setdefault(system, []).append(seconds)
    finally:
        mock.stop()
    return {
        "samples": samples,
        "median": {
            name: {system: statistics.median(values) for system, values in by_system.items()}
            for name, by_system in times.items()
        },
    }


def _timed(thunk: Callable[[], Any]) -> float:
    began = time.perf_counter()
    thunk()
    return time.perf_counter() - began


def _inside(block: Any, thunk: Callable[[], Any]) -> float:
    with block:
        return _timed(thunk)


def share(by_system: dict[str, float]) -> float:
    """The emulator's own time per call over moto's, the floor taken off both."""
    floor = by_system["floor"]
    return (by_system["ami-emulator"] - floor) / (by_system["moto"] - floor)


def markdown(figures: dict[str, Any]) -> str:
    lines = [
        "## In process: moto's mock_aws and emulated()",
        "",
        f"Median of {figures['samples']} boto3 calls each, the three taking turns call by "
        "call: under `emulated()` (no socket), under moto's `mock_aws`, and botocore alone "
        "answering the emulator's own answer from a `before-send` handler (the floor: "
        "building, signing and parsing the call). The share is each double's time over the "
        f"floor; the target is the emulator's share at most {TARGET_SHARE:.0%} of moto's. "
        f"moto runs with `{MOTO_AMIS}=false`, as its server does above.",
        "",
        "| call | floor | emulated() | moto | emulated()/moto | share over floor | |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, by_system in figures["median"].items():
        ratio = share(by_system)
        lines.append(
            f"| {name} | {_ms(by_system['floor'])} | {_ms(by_system['ami-emulator'])} | "
            f"{_ms(by_system['moto'])} | {by_system['ami-emulator'] / by_system['moto']:.2f} | "
            f"{ratio:.3f} | {'met' if ratio <= TARGET_SHARE else '**missed**'} |"
        )
    return "\n".join([*lines, ""])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


if __name__ == "__main__":
    os.environ.pop("AWS_ENDPOINT_URL", None)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES
    print(markdown(measure(count)))
