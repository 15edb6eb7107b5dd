"""Launch template operations, and the template data a launch starts from."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import Any

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet, as_text
from emulator.core.ec2.launch_templates.records import LaunchTemplate, TemplateVersion
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import Conflict, InvalidValue, LimitExceeded, NotFound

NAME_PATTERN = re.compile(r"[a-zA-Z0-9().\-/_]{3,128}")
MAX_DESCRIPTION = 255
MAX_VERSIONS = 10_000  # per template (the EC2 User Guide's quota)
MAX_DELETE_VERSIONS = 200  # versions per DeleteLaunchTemplateVersions call
LATEST, DEFAULT = "$Latest", "$Default"
# DeleteLaunchTemplateVersions reports each version it could not delete with these codes.
VERSION_MISSING = "launchTemplateVersionDoesNotExist"
UNEXPECTED = "unexpectedError"

TEMPLATE_FILTERS: dict[str, Callable[[LaunchTemplate], list[str]]] = {
    "create-time": lambda t: [t.create_time],
    "launch-template-name": lambda t: [t.name],
}


def _data_text(key: str) -> Callable[[tuple[LaunchTemplate, TemplateVersion]], list[str]]:
    return lambda tv: [as_text(tv[1].data[key])] if tv[1].data.get(key) is not None else []


def _nested(*path: str) -> Callable[[tuple[LaunchTemplate, TemplateVersion]], list[str]]:
    def read(tv: tuple[LaunchTemplate, TemplateVersion]) -> list[str]:
        value: Any = tv[1].data
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return []
            value = value[key]
        return [as_text(value)]

    return read


VERSION_FILTERS: dict[str, Callable[[tuple[LaunchTemplate, TemplateVersion]], list[str]]] = {
    "create-time": lambda tv: [tv[1].create_time],
    "ebs-optimized": _data_text("EbsOptimized"),
    "http-endpoint": _nested("MetadataOptions", "HttpEndpoint"),
    "http-protocol-ipv4": _nested("MetadataOptions", "HttpProtocolIpv4"),
    "host-resource-group-arn": _nested("Placement", "HostResourceGroupArn"),
    "http-tokens": _nested("MetadataOptions", "HttpTokens"),
    "iam-instance-profile": lambda tv: [
        v
        for v in (
            (tv[1].data.get("IamInstanceProfile") or {}).get("Arn"),
            (tv[1].data.get("IamInstanceProfile") or {}).get("Name"),
        )
        if v
    ],
    "image-id": _data_text("ImageId"),
    "instance-type": _data_text("InstanceType"),
    "is-default-version": lambda tv: [as_text(tv[0].default_version == tv[1].number)],
    "kernel-id": _data_text("KernelId"),
    "license-configuration-arn": lambda tv: [
        spec["LicenseConfigurationArn"]
        for spec in tv[1].data.get("LicenseSpecifications") or []
        if spec.get("LicenseConfigurationArn")
    ],
    "network-card-index": lambda tv: [
        str(nic["NetworkCardIndex"])
        for nic in tv[1].data.get("NetworkInterfaces") or []
        if nic.get("NetworkCardIndex") is not None
    ],
    "ram-disk-id": _data_text("RamDiskId"),
}


def check_name(name: str | None) -> str:
    if not name or not NAME_PATTERN.fullmatch(name):
        raise InvalidValue("launch_template_name_malformed")
    return name


def _check_description(description: str | None) -> None:
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidValue("parameter_value_invalid", name="VersionDescription", value=description)


def find(
    region: RegionState, account: str, template_id: str | None, name: str | None
) -> LaunchTemplate:
    """The caller's template by id or by name (exactly one of them)."""
    if template_id and name:
        raise InvalidValue("launch_template_id_and_name")
    if template_id:
        template_id = resource_ids.check("launch-template", template_id)
        template = region.launch_templates.get(template_id)
        if template is None or template.owner != account:
            raise NotFound("launch_template_id_not_found", id=template_id)
        return template
    if name:
        found = region.template_names.get((account, name))
        if found is None:
            check_name(name)
            raise NotFound("launch_template_name_not_found", name=name)
        return region.launch_templates[found]
    raise InvalidValue("launch_template_missing")


def version_of(template: LaunchTemplate, version: str | None) -> TemplateVersion:
    """``$Latest``, ``$Default`` (also when absent) or a version number."""
    if version is None or version == DEFAULT:
        return template.versions[template.default_version]
    if version == LATEST:
        return template.versions[template.latest_version]
    if not version.isdigit() or int(version) < 1:
        raise InvalidValue("launch_template_version_invalid", version=version)
    found = template.versions.get(int(version))
    if found is None:
        raise NotFound(
            "launch_template_version_not_found", version=version, id=template.template_id
        )
    return found


def _created_by(env: Env, account: str, region: str) -> str:
    return f"arn:{env.keys.partition(region)}:iam::{account}:root"


def create_launch_template(
    env: Env,
    region: RegionState,
    account: str,
    *,
    name: str,
    data: dict[str, Any],
    description: str | None,
    tags: TagSpecs,
) -> LaunchTemplate:
    """A new template with version 1 (its default and latest); names are unique per account
    and Region."""
    check_name(name)
    _check_description(description)
    check_specs(tags, ["launch-template"])
    if (account, name) in region.template_names:
        raise Conflict("launch_template_name_taken")
    commit()
    now = env.now()
    created_by = _created_by(env, account, region.name)
    template = LaunchTemplate(
        template_id=env.ids.resource_id("lt"),
        owner=account,
        region=region.name,
        name=name,
        create_time=now,
        created_by=created_by,
    )
    template.versions[1] = TemplateVersion(1, now, created_by, description, copy.deepcopy(data))
    region.launch_templates[template.template_id] = template
    region.template_names[(account, name)] = template.template_id
    region.tags.put(template.template_id, account, tags.get("launch-template", {}))
    return template


def create_launch_template_version(
    env: Env,
    region: RegionState,
    account: str,
    *,
    template_id: str | None,
    name: str | None,
    data: dict[str, Any],
    description: str | None,
    source_version: str | None,
) -> tuple[LaunchTemplate, TemplateVersion]:
    """A new latest version; with SourceVersion, that version's data with the members given
    here replacing its own."""
    template = find(region, account, template_id, name)
    _check_description(description)
    base = version_of(template, source_version).data if source_version is not None else {}
    if len(template.versions) >= MAX_VERSIONS:
        raise LimitExceeded("launch_template_version_limit", limit=MAX_VERSIONS)
    commit()
    number = template.latest_version + 1
    version = TemplateVersion(
        number,
        env.now(),
        _created_by(env, account, region.name),
        description,
        {**copy.deepcopy(base), **copy.deepcopy(data)},
    )
    template.versions[number] = version
    template.latest_version = number
    return template, version


def describe_launch_templates(
    region: RegionState,
    account: str,
    template_ids: Sequence[str],
    names: Sequence[str],
    filters: Sequence[Filter],
) -> list[LaunchTemplate]:
    """The caller's templates by ids, names (each must exist) or filters, by id."""
    matches = FilterSet(
        filters, TEMPLATE_FILTERS, lambda t: region.tags.get(t.template_id, account)
    )
    if template_ids or names:
        found = {t.template_id: t for t in (find(region, account, i, None) for i in template_ids)}
        found.update({t.template_id: t for t in (find(region, account, None, n) for n in names)})
        candidates = list(found.values())
    else:
        candidates = [t for t in region.launch_templates.values() if t.owner == account]
    return sorted((t for t in candidates if matches(t)), key=lambda t: t.template_id)


def describe_launch_template_versions(
    region: RegionState,
    account: str,
    *,
    template_id: str | None,
    name: str | None,
    versions: Sequence[str],
    min_version: str | None,
    max_version: str | None,
    filters: Sequence[Filter],
) -> list[tuple[LaunchTemplate, TemplateVersion]]:
    """Versions of one template (by ``versions``, or MinVersion..MaxVersion, or all); with no
    template named, the ``$Latest`` / ``$Default`` versions of every template of the caller."""
    matches = FilterSet(filters, VERSION_FILTERS)
    if template_id is None and name is None:
        if any(v not in (LATEST, DEFAULT) for v in versions) or not versions:
            raise InvalidValue("launch_template_missing")
        rows = [
            (t, version_of(t, v))
            for t in region.launch_templates.values()
            if t.owner == account
            for v in dict.fromkeys(versions)
        ]
    else:
        template = find(region, account, template_id, name)
        if versions:
            chosen = {version_of(template, v).number for v in versions}
            rows = [(template, template.versions[n]) for n in sorted(chosen)]
        else:
            low = _bound(min_version, "MinVersion")
            high = _bound(max_version, "MaxVersion")
            rows = [
                (template, v)
                for n, v in sorted(template.versions.items())
                if (low is None or n >= low) and (high is None or n <= high)
            ]
    return [row for row in rows if matches(row)]


def _bound(value: str | None, member: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise InvalidValue("parameter_value_invalid", name=member, value=value)
    return int(value)


def modify_launch_template(
    region: RegionState,
    account: str,
    template_id: str | None,
    name: str | None,
    default_version: str | None,
) -> LaunchTemplate:
    template = find(region, account, template_id, name)
    chosen = version_of(template, default_version) if default_version is not None else None
    commit()
    if chosen is not None:
        template.default_version = chosen.number
    return template


def delete_launch_template(
    region: RegionState, account: str, template_id: str | None, name: str | None
) -> LaunchTemplate:
    template = find(region, account, template_id, name)
    commit()
    del region.launch_templates[template.template_id]
    region.template_names.pop((account, template.name), None)
    region.tags.drop(template.template_id)
    return template


def delete_launch_template_versions(
    region: RegionState,
    account: str,
    template_id: str | None,
    name: str | None,
    versions: Sequence[str],
) -> tuple[LaunchTemplate, list[int], list[tuple[str, str, str]]]:
    """Delete the numbered versions but the default; each one that cannot go is reported
    (version as given, code, message), the others go."""
    template = find(region, account, template_id, name)
    if len(versions) > MAX_DELETE_VERSIONS:
        raise InvalidValue("launch_template_versions_too_many", limit=MAX_DELETE_VERSIONS)
    deleted: list[int] = []
    failed: list[tuple[str, str, str]] = []
    for given in dict.fromkeys(versions):
        number = int(given) if given.isdigit() else None
        if number is None or number not in template.versions:
            failed.append(
                (given, VERSION_MISSING, "The specified launch template version does not exist.")
            )
        elif number == template.default_version:
            failed.append(
                (given, UNEXPECTED, "Cannot delete the default version of the launch template.")
            )
        else:
            deleted.append(number)
    commit()
    for number in deleted:
        del template.versions[number]
    if deleted and template.latest_version not in template.versions:
        template.latest_version = max(template.versions)
    return template, deleted, failed


def launch_data(
    region: RegionState, account: str, spec: dict[str, Any]
) -> tuple[LaunchTemplate, TemplateVersion]:
    """The template version RunInstances' LaunchTemplate member names."""
    template = find(region, account, spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName"))
    return template, version_of(template, spec.get("Version"))


def merged_run_parameters(data: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """RunInstances' parameters over a template's data: what the request gives wins.
    The template's RamDiskId is RunInstances' RamdiskId; block device mappings merge by
    device name and tag specifications by resource type (the request's tags winning per
    key), so a request adding one volume or one tag keeps the template's others."""
    base = copy.deepcopy(data)
    if "RamDiskId" in base:
        base["RamdiskId"] = base.pop("RamDiskId")
    merged = {**base, **{k: v for k, v in request.items() if v is not None}}
    if base.get("BlockDeviceMappings") and request.get("BlockDeviceMappings"):
        by_device = {m.get("DeviceName"): m for m in base["BlockDeviceMappings"]}
        by_device.update({m.get("DeviceName"): m for m in request["BlockDeviceMappings"]})
        merged["BlockDeviceMappings"] = list(by_device.values())
    if base.get("TagSpecifications") and request.get("TagSpecifications"):
        merged["TagSpecifications"] = [
            *base["TagSpecifications"],
            *request["TagSpecifications"],
        ]
    return merged
