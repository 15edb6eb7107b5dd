"""Launch templates: Create, CreateVersion, Describe, DescribeVersions, Modify, Delete(Versions)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from emulator.api.ec2.params import filters, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.ec2.shapes import tag_list, timestamp
from emulator.api.registry import Call, operation
from emulator.core.ec2.launch_templates import operations as templates
from emulator.core.ec2.launch_templates.records import LaunchTemplate, TemplateVersion
from emulator.core.ec2.region import RegionState
from emulator.core.errors import InvalidValue

PAGE_BOUNDS = (1, 200)


def _jsonable(value: Any) -> Any:
    """Request data as the state file keeps it: times as ISO strings, blobs as base64."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _data(params: dict[str, Any]) -> dict[str, Any]:
    data = params.get("LaunchTemplateData")
    if data is None:
        raise InvalidValue("missing_parameter", name="LaunchTemplateData")
    return _jsonable(data)


def _template(call: Call, region: RegionState, t: LaunchTemplate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LaunchTemplateId": t.template_id,
        "LaunchTemplateName": t.name,
        "CreateTime": timestamp(t.create_time),
        "CreatedBy": t.created_by,
        "DefaultVersionNumber": t.default_version,
        "LatestVersionNumber": t.latest_version,
    }
    tags = region.tags.get(t.template_id, call.account)
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def _version(t: LaunchTemplate, v: TemplateVersion) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LaunchTemplateId": t.template_id,
        "LaunchTemplateName": t.name,
        "VersionNumber": v.number,
        "CreateTime": timestamp(v.create_time),
        "CreatedBy": v.created_by,
        "DefaultVersion": t.default_version == v.number,
        "LaunchTemplateData": v.data,
    }
    if v.description is not None:
        out["VersionDescription"] = v.description
    return out


@operation("ec2", "CreateLaunchTemplate")
def create_launch_template(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Creates a launch template (version 1, default and latest) with an lt- id; names are
    unique per account and Region (InvalidLaunchTemplateName.AlreadyExistsException)."""
    with writing(call) as (env, region):
        template = templates.create_launch_template(
            env,
            region,
            call.account,
            name=required(params, "LaunchTemplateName"),
            data=_data(params),
            description=params.get("VersionDescription"),
            tags=tag_specs(params),
        )
        return {"LaunchTemplate": _template(call, region, template)}


@operation("ec2", "CreateLaunchTemplateVersion")
def create_launch_template_version(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Adds the next version to the caller's template; SourceVersion starts from that version's
    data, the members given replacing its own."""
    with writing(call) as (env, region):
        template, version = templates.create_launch_template_version(
            env,
            region,
            call.account,
            template_id=params.get("LaunchTemplateId"),
            name=params.get("LaunchTemplateName"),
            data=_data(params),
            description=params.get("VersionDescription"),
            source_version=params.get("SourceVersion"),
        )
        return {"LaunchTemplateVersion": _version(template, version)}


@operation("ec2", "DescribeLaunchTemplates")
def describe_launch_templates(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's launch templates, by ids or names (each must exist) or Filters, with
    paging."""
    _, region = reading(call)
    found = templates.describe_launch_templates(
        region,
        call.account,
        params.get("LaunchTemplateIds") or [],
        params.get("LaunchTemplateNames") or [],
        filters(params),
    )
    return paged(
        params,
        "LaunchTemplates",
        found,
        lambda t: t.template_id,
        lambda t: _template(call, region, t),
        PAGE_BOUNDS,
    )


@operation("ec2", "DescribeLaunchTemplateVersions")
def describe_launch_template_versions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Versions of one of the caller's templates (Versions with $Latest / $Default, or
    MinVersion..MaxVersion), or $Latest / $Default of all its templates; Filters, paging."""
    _, region = reading(call)
    rows = templates.describe_launch_template_versions(
        region,
        call.account,
        template_id=params.get("LaunchTemplateId"),
        name=params.get("LaunchTemplateName"),
        versions=params.get("Versions") or [],
        min_version=params.get("MinVersion"),
        max_version=params.get("MaxVersion"),
        filters=filters(params),
    )
    return paged(
        params,
        "LaunchTemplateVersions",
        rows,
        lambda tv: f"{tv[0].template_id}/{tv[1].number:06d}",
        lambda tv: _version(*tv),
        PAGE_BOUNDS,
    )


@operation("ec2", "ModifyLaunchTemplate")
def modify_launch_template(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Sets the default version of the caller's template (a number, or $Latest)."""
    with writing(call) as (_, region):
        template = templates.modify_launch_template(
            region,
            call.account,
            params.get("LaunchTemplateId"),
            params.get("LaunchTemplateName"),
            params.get("DefaultVersion"),
        )
        return {"LaunchTemplate": _template(call, region, template)}


@operation("ec2", "DeleteLaunchTemplate")
def delete_launch_template(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Deletes the caller's template and every version of it."""
    with writing(call) as (_, region):
        template = templates.delete_launch_template(
            region, call.account, params.get("LaunchTemplateId"), params.get("LaunchTemplateName")
        )
        out = _template(call, region, template)
    out.pop("Tags", None)
    return {"LaunchTemplate": out}


@operation("ec2", "DeleteLaunchTemplateVersions")
def delete_launch_template_versions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Deletes numbered versions of the caller's template; the default version and unknown ones
    are reported unsuccessful, the others deleted."""
    with writing(call) as (_, region):
        template, deleted, failed = templates.delete_launch_template_versions(
            region,
            call.account,
            params.get("LaunchTemplateId"),
            params.get("LaunchTemplateName"),
            required(params, "Versions"),
        )
    ids = {"LaunchTemplateId": template.template_id, "LaunchTemplateName": template.name}
    return {
        "SuccessfullyDeletedLaunchTemplateVersions": [{**ids, "VersionNumber": n} for n in deleted],
        "UnsuccessfullyDeletedLaunchTemplateVersions": [
            {
                **ids,
                **({"VersionNumber": int(given)} if given.isdigit() else {}),
                "ResponseError": {"Code": code, "Message": message},
            }
            for given, code, message in failed
        ],
    }
