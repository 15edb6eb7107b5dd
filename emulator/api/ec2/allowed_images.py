"""Allowed AMIs: Enable, Disable, Get AllowedImagesSettings and ReplaceImageCriteria.

EnableAllowedImagesSettings, DisableAllowedImagesSettings, GetAllowedImagesSettings,
ReplaceImageCriteriaInAllowedImagesSettings."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2.params import required
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.images import allowed_images
from emulator.core.ec2.images.allowed_images import (
    Criterion,
    ScanResultCondition,
    WatermarkFilter,
)

# ScanResultCondition's per-severity members, by the severity they limit.
_FIX_MEMBERS = {
    severity: f"MaxDaysSince{severity.capitalize()}FixAvailable"
    for severity in allowed_images.SEVERITIES
}


@operation("ec2", "EnableAllowedImagesSettings")
def enable_allowed_images_settings(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Turns Allowed AMIs on for the caller in this Region: ``enabled`` hides and refuses the
    images the criteria do not allow, ``audit-mode`` only reports ImageAllowed; the caller's
    own images are never restricted.
    """
    requested = required(params, "AllowedImagesSettingsState")
    with writing(call) as (env, region):
        policy = env.declarative(call.account)
        state = allowed_images.enable(region.allowed_images, call.account, requested, policy)
    return {"AllowedImagesSettingsState": state}


@operation("ec2", "DisableAllowedImagesSettings")
def disable_allowed_images_settings(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Turns Allowed AMIs off for the caller in this Region; the criteria are kept."""
    with writing(call) as (env, region):
        policy = env.declarative(call.account)
        state = allowed_images.disable(region.allowed_images, call.account, policy)
    return {"AllowedImagesSettingsState": state}


@operation("ec2", "GetAllowedImagesSettings")
def get_allowed_images_settings(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's Allowed AMIs state, criteria and ManagedBy in this Region."""
    env, region = reading(call)
    policy = env.declarative(call.account)
    settings = allowed_images.settings_of(region.allowed_images, call.account, policy)
    out: dict[str, Any] = {"State": settings.state, "ManagedBy": settings.managed_by}
    if settings.criteria:
        out["ImageCriteria"] = [_criterion_shape(c) for c in settings.criteria]
    return out


@operation("ec2", "ReplaceImageCriteriaInAllowedImagesSettings")
def replace_image_criteria(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Sets the caller's Allowed AMIs criteria in this Region, replacing all of them: at most
    10 criteria (OR), each with ImageProviders (amazon, aws-marketplace, aws-backup-vault,
    none or account ids), ImageNames with wildcards, MarketplaceProductCodes,
    CreationDateCondition, DeprecationTimeCondition, ImageWatermarks, ScanResultCondition (AND).
    """
    criteria = [_criterion(c) for c in params.get("ImageCriteria") or []]
    with writing(call) as (env, region):
        policy = env.declarative(call.account)
        allowed_images.replace_criteria(region.allowed_images, call.account, criteria, policy)
    return {"ReturnValue": True}


def _criterion(data: dict[str, Any]) -> Criterion:
    scan = data.get("ScanResultCondition")
    return Criterion(
        providers=tuple(data.get("ImageProviders") or ()),
        names=tuple(data.get("ImageNames") or ()),
        product_codes=tuple(data.get("MarketplaceProductCodes") or ()),
        max_days_since_created=(data.get("CreationDateCondition") or {}).get(
            "MaximumDaysSinceCreated"
        ),
        max_days_since_deprecated=(data.get("DeprecationTimeCondition") or {}).get(
            "MaximumDaysSinceDeprecated"
        ),
        watermarks=tuple(
            WatermarkFilter(
                key=w.get("WatermarkKey"),
                source_image_region=w.get("SourceImageRegion"),
                max_days_since_source_image_created=w.get("MaximumDaysSinceSourceImageCreated"),
                max_days_since_watermark_created=w.get("MaximumDaysSinceWatermarkCreated"),
            )
            for w in data.get("ImageWatermarks") or ()
        ),
        scan_result=None
        if scan is None
        else ScanResultCondition(
            max_days_since_last_finding_scan=scan.get("MaxDaysSinceLastFindingScan"),
            maximum_severity_label=scan.get("MaximumSeverityLabel"),
            fix_days=tuple(
                (severity, scan[member])
                for severity, member in _FIX_MEMBERS.items()
                if scan.get(member) is not None
            ),
        ),
    )


def _criterion_shape(c: Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if c.providers:
        out["ImageProviders"] = list(c.providers)
    if c.product_codes:
        out["MarketplaceProductCodes"] = list(c.product_codes)
    if c.names:
        out["ImageNames"] = list(c.names)
    if c.max_days_since_deprecated is not None:
        out["DeprecationTimeCondition"] = {
            "MaximumDaysSinceDeprecated": c.max_days_since_deprecated
        }
    if c.max_days_since_created is not None:
        out["CreationDateCondition"] = {"MaximumDaysSinceCreated": c.max_days_since_created}
    if c.watermarks:
        out["ImageWatermarks"] = [
            {
                k: v
                for k, v in {
                    "WatermarkKey": w.key,
                    "SourceImageRegion": w.source_image_region,
                    "MaximumDaysSinceSourceImageCreated": w.max_days_since_source_image_created,
                    "MaximumDaysSinceWatermarkCreated": w.max_days_since_watermark_created,
                }.items()
                if v is not None
            }
            for w in c.watermarks
        ]
    if c.scan_result is not None:
        scan = c.scan_result
        shape: dict[str, Any] = {_FIX_MEMBERS[severity]: days for severity, days in scan.fix_days}
        if scan.max_days_since_last_finding_scan is not None:
            shape["MaxDaysSinceLastFindingScan"] = scan.max_days_since_last_finding_scan
        if scan.maximum_severity_label is not None:
            shape["MaximumSeverityLabel"] = scan.maximum_severity_label
        out["ScanResultCondition"] = shape
    return out
