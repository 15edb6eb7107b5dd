"""Image usage reports: which other accounts use an owner's image, and with what resources.

A report counts, per account and resource type, the resources that reference the image at
the moment it is created. Its state follows the world's clock: ``pending`` while the clock
still reads the report's creation time, ``available`` from the next moment on (with a
running clock: at the next read); it is gone 30 days after creation, as in AWS.

Each resource type is counted by one function in ``COUNTERS``: instances and launch
templates (``ec2:LaunchTemplate``, with its ``version-depth`` option); the Image Builder
recipes are accepted and counted by the counters their resources bring.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.images.catalog import OWNER, find_image
from emulator.core.ec2.images.records import aws_time
from emulator.core.ec2.images.usage_report_records import (
    AVAILABLE,
    PENDING,
    Entry,
    ResourceTypeRequest,
    UsageReport,
)
from emulator.core.ec2.instances.records import TERMINATED
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import InvalidValue, LimitExceeded, NotFound

INSTANCE = "ec2:Instance"
LAUNCH_TEMPLATE = "ec2:LaunchTemplate"
RESOURCE_TYPES = (
    INSTANCE,
    LAUNCH_TEMPLATE,
    "imagebuilder:ImageRecipe",
    "imagebuilder:ContainerRecipe",
)
VERSION_DEPTH = "version-depth"
VERSION_DEPTH_RANGE = (1, 10_000)
DEFAULT_VERSION_DEPTH = 20
MAX_ACCOUNTS = 200
MAX_IDS = 200
# AWS's quotas per account and Region: in-progress reports per account, and per image.
MAX_PENDING_PER_ACCOUNT = 2_000
MAX_PENDING_PER_IMAGE = 1
LIFETIME = timedelta(days=30)
# The kind of a report id (``resource_ids``), as TagSpecifications and DescribeTags name it.
REPORT_KIND = "image-usage-report"

_ACCOUNT = re.compile(r"\d{12}")

Options = dict[str, list[str]]
# (region, image id, the resource type's options) -> account -> how many resources of that
# type reference the image.
Count = Callable[[RegionState, str, Options], Mapping[str, int]]


def _instances(region: RegionState, image_id: str, options: Options) -> Mapping[str, int]:
    """Instances not terminated that were launched from the image, by owning account."""
    return Counter(
        i.owner
        for i in region.instances.values()
        if i.image_id == image_id and i.state != TERMINATED
    )


def _launch_templates(region: RegionState, image_id: str, options: Options) -> Mapping[str, int]:
    """Launch templates whose ``version-depth`` most recent versions name the image."""
    depth = int((options.get(VERSION_DEPTH) or [DEFAULT_VERSION_DEPTH])[0])
    return Counter(t.owner for t in region.launch_templates.values() if image_id in t.images(depth))


COUNTERS: dict[str, Count] = {INSTANCE: _instances, LAUNCH_TEMPLATE: _launch_templates}


# ---- ids ---------------------------------------------------------------------------------


def check_report_id(value: str) -> str:
    """The report id as AWS reads it, by the rule of every EC2 id (``resource_ids``)."""
    return resource_ids.check(REPORT_KIND, value)


def _live(region: RegionState, account: str, now: str) -> dict[str, UsageReport]:
    """The caller's reports that have not expired, by id."""
    return {
        rid: r
        for rid, r in region.usage_reports.items()
        if r.owner == account and now < r.expiration_time
    }


def _named(reports: dict[str, UsageReport], report_ids: Sequence[str]) -> list[UsageReport]:
    ids = list(dict.fromkeys(check_report_id(r) for r in report_ids))
    missing = [r for r in ids if r not in reports]
    if missing:
        raise NotFound("usage_report_not_found", ids=missing)
    return [reports[r] for r in ids]


# ---- CreateImageUsageReport --------------------------------------------------------------


def create_report(
    env: Env,
    region: RegionState,
    account: str,
    *,
    image_id: str,
    resource_types: Sequence[ResourceTypeRequest],
    account_ids: Sequence[str],
    tags: TagSpecs,
    client_token: str | None = None,
) -> UsageReport:
    """A report on the caller's own image; every check passes or nothing is made."""
    check_specs(tags, [REPORT_KIND])
    _check_resource_types(resource_types)
    if len(account_ids) > MAX_ACCOUNTS:
        raise InvalidValue(
            "usage_report_accounts_limit", count=len(account_ids), limit=MAX_ACCOUNTS
        )
    for other in account_ids:
        if not _ACCOUNT.fullmatch(other):
            raise InvalidValue("parameter_value_invalid", name="AccountId", value=other)
    image = find_image(env, region, account, image_id, OWNER)
    now = env.now()
    live = _live(region, account, now)
    if client_token:
        for report in live.values():
            if report.client_token == client_token:
                return report
    pending = [r for r in live.values() if r.state(now) == PENDING]
    if len(pending) >= MAX_PENDING_PER_ACCOUNT:
        raise LimitExceeded("usage_report_account_limit", limit=MAX_PENDING_PER_ACCOUNT)
    if sum(r.image_id == image.image_id for r in pending) >= MAX_PENDING_PER_IMAGE:
        raise LimitExceeded("usage_report_image_limit", image_id=image.image_id)
    commit()
    for gone in [rid for rid, r in region.usage_reports.items() if now >= r.expiration_time]:
        del region.usage_reports[gone]
        region.tags.drop(gone)
    created = env.clock()
    report = UsageReport(
        report_id=env.ids.resource_id("amiur"),
        owner=account,
        region=region.name,
        image_id=image.image_id,
        resource_types=list(resource_types),
        account_ids=list(dict.fromkeys(account_ids)),
        creation_time=aws_time(created),
        expiration_time=aws_time(created + LIFETIME),
        entries=_count(region, image.image_id, account, resource_types, account_ids),
        client_token=client_token or None,
    )
    region.usage_reports[report.report_id] = report
    region.tags.put(report.report_id, account, tags.get(REPORT_KIND, {}))
    return report


def _check_resource_types(resource_types: Sequence[ResourceTypeRequest]) -> None:
    if not resource_types:
        raise InvalidValue("missing_parameter", name="ResourceType")
    seen: set[str] = set()
    for rt in resource_types:
        if rt.resource_type not in RESOURCE_TYPES:
            raise InvalidValue(
                "parameter_value_invalid", name="ResourceType", value=rt.resource_type
            )
        if rt.resource_type in seen:
            raise InvalidValue("usage_report_resource_type_duplicate", value=rt.resource_type)
        seen.add(rt.resource_type)
        if rt.options and rt.resource_type != LAUNCH_TEMPLATE:
            raise InvalidValue("usage_report_options_unsupported", resource_type=rt.resource_type)
        for name, values in rt.options:
            if name != VERSION_DEPTH:
                raise InvalidValue("parameter_value_invalid", name="OptionName", value=name)
            low, high = VERSION_DEPTH_RANGE
            if len(values) != 1 or not values[0].isdigit() or not low <= int(values[0]) <= high:
                raise InvalidValue(
                    "parameter_value_invalid", name="OptionValues", value=",".join(values)
                )


def _count(
    region: RegionState,
    image_id: str,
    owner: str,
    resource_types: Sequence[ResourceTypeRequest],
    account_ids: Sequence[str],
) -> list[Entry]:
    """Per resource type and account, the resources referencing the image now: the named
    accounts, or every account but the owner's (the report is about other accounts)."""
    named = set(account_ids)
    entries = []
    for rt in resource_types:
        count = COUNTERS.get(rt.resource_type)
        if count is None:
            continue  # the emulator keeps no resources of this type
        options = {name: list(values) for name, values in rt.options}
        if rt.resource_type == LAUNCH_TEMPLATE:
            options.setdefault(VERSION_DEPTH, [str(DEFAULT_VERSION_DEPTH)])
        for other, n in sorted(count(region, image_id, options).items()):
            wanted = other in named if named else other != owner
            if wanted and n:
                entries.append(Entry(rt.resource_type, other, n))
    return entries


# ---- describing and deleting -------------------------------------------------------------

REPORT_FILTERS = {
    "creation-time": lambda r: [r.creation_time],
}


def describe_reports(
    env: Env,
    region: RegionState,
    account: str,
    *,
    image_ids: Sequence[str],
    report_ids: Sequence[str],
    filters: Sequence[Filter],
) -> list[UsageReport]:
    """The caller's reports, by ids (each must exist) or all, narrowed by images and
    filters (``creation-time``, ``state``, tags), oldest first."""
    _check_lengths(image_ids, report_ids)
    now = env.now()
    live = _live(region, account, now)
    fields = {**REPORT_FILTERS, "state": lambda r: [r.state(now)]}
    matches = FilterSet(filters, fields, lambda r: region.tags.get(r.report_id, account))
    images = _image_ids(image_ids)
    chosen = _named(live, report_ids) if report_ids else list(live.values())
    found = [r for r in chosen if (not images or r.image_id in images) and matches(r)]
    return sorted(found, key=report_order)


def report_order(report: UsageReport) -> str:
    return f"{report.creation_time}/{report.report_id}"


@dataclass(frozen=True)
class EntryRow:
    """One entry as DescribeImageUsageReportEntries lists it."""

    report: UsageReport
    entry: Entry


ENTRY_FILTERS = {
    "account-id": lambda row: [row.entry.account_id],
    "creation-time": lambda row: [row.report.creation_time],
    "resource-type": lambda row: [row.entry.resource_type],
}


def describe_entries(
    env: Env,
    region: RegionState,
    account: str,
    *,
    image_ids: Sequence[str],
    report_ids: Sequence[str],
    filters: Sequence[Filter],
) -> list[EntryRow]:
    """The entries of the caller's available reports, by report ids (each must exist) or
    all, narrowed by images and filters (``account-id``, ``creation-time``,
    ``resource-type``); a pending report has none yet."""
    _check_lengths(image_ids, report_ids)
    now = env.now()
    live = _live(region, account, now)
    matches = FilterSet(filters, ENTRY_FILTERS)
    images = _image_ids(image_ids)
    chosen = _named(live, report_ids) if report_ids else list(live.values())
    rows = [
        EntryRow(report, entry)
        for report in sorted(chosen, key=report_order)
        if report.state(now) == AVAILABLE and (not images or report.image_id in images)
        for entry in report.entries
    ]
    return [row for row in rows if matches(row)]


def entry_order(row: EntryRow) -> str:
    e = row.entry
    return f"{report_order(row.report)}/{e.resource_type}/{e.account_id}"


def delete_report(env: Env, region: RegionState, account: str, report_id: str) -> None:
    """DeleteImageUsageReport: the caller's own report, pending or available."""
    (report,) = _named(_live(region, account, env.now()), [report_id])
    commit()
    del region.usage_reports[report.report_id]
    region.tags.drop(report.report_id)


def _check_lengths(image_ids: Sequence[str], report_ids: Sequence[str]) -> None:
    for name, values in (("ImageId", image_ids), ("ReportId", report_ids)):
        if len(values) > MAX_IDS:
            raise InvalidValue("usage_report_ids_limit", name=name, limit=MAX_IDS)


def _image_ids(image_ids: Sequence[str]) -> set[str]:
    return set(resource_ids.check_all("image", image_ids))
