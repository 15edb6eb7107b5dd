"""Image usage reports: CreateImageUsageReport, DescribeImageUsageReports and its entries."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import shapes
from emulator.api.ec2.params import filters, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.images import usage_reports
from emulator.core.ec2.images.usage_report_records import ResourceTypeRequest, UsageReport
from emulator.core.ec2.images.usage_reports import EntryRow, entry_order, report_order
from emulator.core.ec2.region import RegionState


@operation("ec2", "CreateImageUsageReport")
def create_image_usage_report(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The owner of an image asks which other accounts use it (AccountIds, or all) and with how
    many resources of each ResourceType (ec2:Instance counted; ec2:LaunchTemplate and the Image
    Builder recipes accepted); pending at its creation instant, available from the next.
    """
    resource_types = [
        ResourceTypeRequest(
            rt.get("ResourceType") or "",
            tuple(
                (o.get("OptionName") or "", tuple(o.get("OptionValues") or ()))
                for o in rt.get("ResourceTypeOptions") or ()
            ),
        )
        for rt in required(params, "ResourceTypes")
    ]
    with writing(call) as (env, region):
        report = usage_reports.create_report(
            env,
            region,
            call.account,
            image_id=required(params, "ImageId"),
            resource_types=resource_types,
            account_ids=params.get("AccountIds") or [],
            tags=tag_specs(params),
            client_token=params.get("ClientToken"),
        )
    return {"ReportId": report.report_id}


@operation("ec2", "DescribeImageUsageReports")
def describe_image_usage_reports(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's reports by ReportIds or ImageIds, Filters (creation-time, state, tags),
    paging; reports expire 30 days after creation.
    """
    env, region = reading(call)
    found = usage_reports.describe_reports(
        env,
        region,
        call.account,
        image_ids=params.get("ImageIds") or [],
        report_ids=params.get("ReportIds") or [],
        filters=filters(params),
    )
    now = env.now()
    return paged(
        params,
        "ImageUsageReports",
        found,
        report_order,
        lambda r: _report(call, region, r, now),
        (1, 1000),
    )


@operation("ec2", "DescribeImageUsageReportEntries")
def describe_image_usage_report_entries(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The accounts and resource counts of the caller's available reports, by ReportIds or
    ImageIds, Filters (account-id, creation-time, resource-type), paging.
    """
    env, region = reading(call)
    rows = usage_reports.describe_entries(
        env,
        region,
        call.account,
        image_ids=params.get("ImageIds") or [],
        report_ids=params.get("ReportIds") or [],
        filters=filters(params),
    )
    return paged(params, "ImageUsageReportEntries", rows, entry_order, _entry, (1, 1000))


@operation("ec2", "DeleteImageUsageReport")
def delete_image_usage_report(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Deletes one of the caller's reports, pending or available."""
    with writing(call) as (env, region):
        usage_reports.delete_report(env, region, call.account, required(params, "ReportId"))
    return {"Return": True}


def _report(call: Call, region: RegionState, report: UsageReport, now: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ImageId": report.image_id,
        "ReportId": report.report_id,
        "ResourceTypes": [
            {
                "ResourceType": rt.resource_type,
                **(
                    {
                        "ResourceTypeOptions": [
                            {"OptionName": name, "OptionValues": list(values)}
                            for name, values in rt.options
                        ]
                    }
                    if rt.options
                    else {}
                ),
            }
            for rt in report.resource_types
        ],
        "State": report.state(now),
        "CreationTime": shapes.timestamp(report.creation_time),
        "ExpirationTime": shapes.timestamp(report.expiration_time),
        "Tags": shapes.tag_list(region.tags.get(report.report_id, call.account)),
    }
    if report.account_ids:
        out["AccountIds"] = list(report.account_ids)
    return out


def _entry(row: EntryRow) -> dict[str, Any]:
    return {
        "ResourceType": row.entry.resource_type,
        "ReportId": row.report.report_id,
        "UsageCount": row.entry.usage_count,
        "AccountId": row.entry.account_id,
        "ImageId": row.report.image_id,
        "ReportCreationTime": shapes.timestamp(row.report.creation_time),
    }
