"""Allowed AMIs: one settings record per account and Region, its criteria, and the matcher.

The criteria OR together; within a criterion every parameter given must match (AND), and
within a list parameter any one value may match (OR). The images an account owns are never
restricted. AWS's limits: 10 criteria, and per criterion 200 providers, 50 names, 50
Marketplace product codes and 50 watermark filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from emulator.core.commit import commit
from emulator.core.ec2.images.records import Image
from emulator.core.errors import InvalidValue
from emulator.core.organizations.policies.declarative_ec2 import Ec2Declarative
from emulator.core.wildcard import Wildcard, compile_wildcard

DISABLED = "disabled"
ENABLED = "enabled"
AUDIT_MODE = "audit-mode"
ENABLED_STATES = (ENABLED, AUDIT_MODE)
STATES = (DISABLED, *ENABLED_STATES)
# Who manages the settings: the account itself, or (later) a declarative policy, which
# makes them read-only in the account.
MANAGED_BY_ACCOUNT = "account"
MANAGED_BY_POLICY = "declarative-policy"
MANAGERS = (MANAGED_BY_ACCOUNT, MANAGED_BY_POLICY)

PROVIDER_ALIASES = ("amazon", "aws-marketplace", "aws-backup-vault")
NONE = "none"  # only the account's own images, which are always allowed anyway
SEVERITIES = ("informational", "low", "medium", "high", "critical")

MAX_CRITERIA = 10
MAX_PROVIDERS = 200
MAX_NAMES = 50
MAX_PRODUCT_CODES = 50
MAX_WATERMARKS = 50
MAX_DAYS = 2_147_483_647
DAY_SECONDS = 86_400

_ACCOUNT = re.compile(r"\d{12}")
_NAME = re.compile(r"[A-Za-z0-9()\[\]./\-'@_*? ]{1,128}")
_PRODUCT_CODE = re.compile(r"[A-Za-z0-9]{1,25}")


@dataclass(frozen=True)
class WatermarkFilter:
    """One ImageWatermarks entry: every field given must match one watermark of the image."""

    key: str | None = None
    source_image_region: str | None = None
    max_days_since_source_image_created: int | None = None
    max_days_since_watermark_created: int | None = None


@dataclass(frozen=True)
class ScanResultCondition:
    """The Amazon Inspector scan-result condition; ``fix_days`` is severity -> the most days
    since Inspector reported a fix for a finding of that severity."""

    max_days_since_last_finding_scan: int | None = None
    maximum_severity_label: str | None = None
    fix_days: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One ImageCriterion: the parameters given must all match."""

    providers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    product_codes: tuple[str, ...] = ()
    max_days_since_created: int | None = None
    max_days_since_deprecated: int | None = None
    watermarks: tuple[WatermarkFilter, ...] = ()
    scan_result: ScanResultCondition | None = None

    @property
    def is_empty(self) -> bool:
        return self == Criterion()

    @cached_property
    def name_patterns(self) -> tuple[Wildcard, ...]:
        """The names compiled once per criterion, not once per image decided."""
        return tuple(compile_wildcard(pattern, escapes=False) for pattern in self.names)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, values in (
            ("providers", self.providers),
            ("names", self.names),
            ("product_codes", self.product_codes),
        ):
            if values:
                out[key] = list(values)
        if self.max_days_since_created is not None:
            out["max_days_since_created"] = self.max_days_since_created
        if self.max_days_since_deprecated is not None:
            out["max_days_since_deprecated"] = self.max_days_since_deprecated
        if self.watermarks:
            out["watermarks"] = [_set_fields(vars(w)) for w in self.watermarks]
        if self.scan_result is not None:
            scan = self.scan_result
            out["scan_result"] = _set_fields(
                {
                    "max_days_since_last_finding_scan": scan.max_days_since_last_finding_scan,
                    "maximum_severity_label": scan.maximum_severity_label,
                    "fix_days": dict(scan.fix_days) or None,
                }
            )
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Criterion:
        scan = data.get("scan_result")
        return cls(
            providers=tuple(data.get("providers", ())),
            names=tuple(data.get("names", ())),
            product_codes=tuple(data.get("product_codes", ())),
            max_days_since_created=data.get("max_days_since_created"),
            max_days_since_deprecated=data.get("max_days_since_deprecated"),
            watermarks=tuple(WatermarkFilter(**w) for w in data.get("watermarks", ())),
            scan_result=None
            if scan is None
            else ScanResultCondition(
                max_days_since_last_finding_scan=scan.get("max_days_since_last_finding_scan"),
                maximum_severity_label=scan.get("maximum_severity_label"),
                fix_days=tuple((scan.get("fix_days") or {}).items()),
            ),
        )


def _set_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@dataclass
class AllowedImagesSettings:
    """An account's Allowed AMIs settings in one Region. Disabling keeps the criteria, so
    enabling again applies them again."""

    state: str = DISABLED
    criteria: list[Criterion] = field(default_factory=list)
    managed_by: str = MANAGED_BY_ACCOUNT
    # The declarative policy's exception_message, on settings a policy makes (never stored).
    exception_message: str | None = None

    @property
    def is_default(self) -> bool:
        return (
            self.state == DISABLED and not self.criteria and self.managed_by == MANAGED_BY_ACCOUNT
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "criteria": [c.to_dict() for c in self.criteria],
            "managed_by": self.managed_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AllowedImagesSettings:
        return cls(
            state=data.get("state", DISABLED),
            criteria=[Criterion.from_dict(c) for c in data.get("criteria", [])],
            managed_by=data.get("managed_by", MANAGED_BY_ACCOUNT),
        )


# ---- the operations ----------------------------------------------------------------------


def settings_of(
    table: dict[str, AllowedImagesSettings], account: str, policy: Ec2Declarative | None = None
) -> AllowedImagesSettings:
    """The account's settings: those its effective declarative policy sets, when it sets
    them (``ManagedBy: declarative-policy``); else its own (the default, disabled and
    empty, when it set none)."""
    if policy is not None and policy.allowed_images_state is not None:
        return AllowedImagesSettings(
            state=_POLICY_STATES.get(policy.allowed_images_state, policy.allowed_images_state),
            criteria=[_policy_criterion(c) for c in policy.image_criteria],
            managed_by=MANAGED_BY_POLICY,
            exception_message=policy.exception_message,
        )
    return table.get(account) or AllowedImagesSettings()


# The policy's spelling of the states (snake case) -> EC2's.
_POLICY_STATES = {"audit_mode": AUDIT_MODE}


def _policy_criterion(data: dict[str, Any]) -> Criterion:
    """A criterion of a declarative policy (``criteria_N``) as EC2's own criteria."""

    def values(name: str) -> tuple[str, ...]:
        value = data.get(name)
        if value is None:
            return ()
        return tuple(value) if isinstance(value, list) else (value,)

    created = data.get("creation_date_condition") or {}
    deprecated = data.get("deprecation_time_condition") or {}
    return Criterion(
        providers=values("allowed_image_providers"),
        names=values("image_names"),
        product_codes=values("marketplace_product_codes"),
        max_days_since_created=created.get("maximum_days_since_created"),
        max_days_since_deprecated=deprecated.get("maximum_days_since_deprecated"),
    )


def _store(
    table: dict[str, AllowedImagesSettings], account: str, settings: AllowedImagesSettings
) -> None:
    # The default record is not kept: a Region where nothing else happened stays unrecorded.
    if settings.is_default:
        table.pop(account, None)
    else:
        table[account] = settings


def _check_managed(settings: AllowedImagesSettings) -> None:
    if settings.managed_by != MANAGED_BY_ACCOUNT:
        raise InvalidValue("allowed_images_managed_by_policy")


def enable(
    table: dict[str, AllowedImagesSettings],
    account: str,
    state: str,
    policy: Ec2Declarative | None = None,
) -> str:
    """EnableAllowedImagesSettings: ``enabled`` or ``audit-mode``."""
    if state not in ENABLED_STATES:
        raise InvalidValue("allowed_images_state_invalid", value=state)
    _check_managed(settings_of(table, account, policy))
    current = settings_of(table, account)
    commit()
    _store(table, account, replace(current, state=state))
    return state


def disable(
    table: dict[str, AllowedImagesSettings], account: str, policy: Ec2Declarative | None = None
) -> str:
    """DisableAllowedImagesSettings; the criteria stay for the next enable."""
    _check_managed(settings_of(table, account, policy))
    current = settings_of(table, account)
    commit()
    _store(table, account, replace(current, state=DISABLED))
    return DISABLED


def replace_criteria(
    table: dict[str, AllowedImagesSettings],
    account: str,
    criteria: list[Criterion],
    policy: Ec2Declarative | None = None,
) -> None:
    """ReplaceImageCriteriaInAllowedImagesSettings: all the criteria at once, or none."""
    check_criteria(criteria)
    _check_managed(settings_of(table, account, policy))
    current = settings_of(table, account)
    commit()
    _store(table, account, replace(current, criteria=list(criteria)))


# ---- validation --------------------------------------------------------------------------


def check_criteria(criteria: list[Criterion]) -> None:
    """AWS's limits and value rules; the first problem found is the error."""
    if len(criteria) > MAX_CRITERIA:
        raise InvalidValue("image_criteria_limit", count=len(criteria), limit=MAX_CRITERIA)
    for criterion in criteria:
        _check_criterion(criterion)


def _check_criterion(c: Criterion) -> None:
    if c.is_empty:
        raise InvalidValue("image_criterion_empty")
    for name, values, limit in (
        ("ImageProviders", c.providers, MAX_PROVIDERS),
        ("ImageNames", c.names, MAX_NAMES),
        ("MarketplaceProductCodes", c.product_codes, MAX_PRODUCT_CODES),
        ("ImageWatermarks", c.watermarks, MAX_WATERMARKS),
    ):
        if len(values) > limit:
            raise InvalidValue(
                "image_criterion_values_limit", name=name, count=len(values), limit=limit
            )
    for provider in c.providers:
        if provider not in (*PROVIDER_ALIASES, NONE) and not _ACCOUNT.fullmatch(provider):
            raise InvalidValue("image_provider_invalid", value=provider)
    if NONE in c.providers and len(c.providers) > 1:
        raise InvalidValue("image_provider_none_combined")
    for name in c.names:
        if not _NAME.fullmatch(name) or ("?" in name and len(name) < 3):
            raise InvalidValue("image_name_criterion_invalid", value=name)
    for code in c.product_codes:
        if not _PRODUCT_CODE.fullmatch(code):
            raise InvalidValue("product_code_criterion_invalid", value=code)
    _days("MaximumDaysSinceCreated", c.max_days_since_created)
    _days("MaximumDaysSinceDeprecated", c.max_days_since_deprecated)
    for w in c.watermarks:
        if w == WatermarkFilter():
            raise InvalidValue("watermark_filter_empty")
        _days("MaximumDaysSinceSourceImageCreated", w.max_days_since_source_image_created)
        _days("MaximumDaysSinceWatermarkCreated", w.max_days_since_watermark_created)
    if c.scan_result is not None:
        scan = c.scan_result
        if scan == ScanResultCondition():
            raise InvalidValue("scan_result_condition_empty")
        _days("MaxDaysSinceLastFindingScan", scan.max_days_since_last_finding_scan)
        label = scan.maximum_severity_label
        if label is not None and label not in SEVERITIES:
            raise InvalidValue("parameter_value_invalid", name="MaximumSeverityLabel", value=label)
        for severity, days in scan.fix_days:
            _days(f"MaxDaysSince{severity.capitalize()}FixAvailable", days)


def _days(name: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= MAX_DAYS:
        raise InvalidValue("parameter_value_invalid", name=name, value=value)


# ---- the matcher -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether the criteria allow an image, which criterion did (1-based), and why not."""

    allowed: bool
    criterion: int | None
    reason: str


def evaluate(
    settings: AllowedImagesSettings, image: Image, account: str, now: datetime
) -> Verdict | None:
    """The criteria's verdict on ``image`` for ``account``, or None while they are disabled.
    ``now`` is the world's clock, for the creation and deprecation conditions."""
    if settings.state == DISABLED:
        return None
    if image.owner == account:
        return Verdict(
            True,
            None,
            f"{account} owns {image.image_id}; Allowed AMIs never "
            "restricts an account's own images.",
        )
    if not settings.criteria:
        return Verdict(
            False, None, "no image criteria are set, so only the account's own images are allowed"
        )
    misses = []
    for number, criterion in enumerate(settings.criteria, 1):
        miss = criterion_miss(criterion, image, now)
        if miss is None:
            return Verdict(True, number, f"{image.image_id} matches criterion {number}.")
        misses.append(f"criterion {number}: {miss}" if len(settings.criteria) > 1 else miss)
    return Verdict(False, None, "; ".join(misses))


def image_allowed(
    settings: AllowedImagesSettings, image: Image, account: str, now: datetime
) -> bool | None:
    """DescribeImages' ``ImageAllowed`` for ``account``: None (left out) while disabled."""
    verdict = evaluate(settings, image, account, now)
    return None if verdict is None else verdict.allowed


def criterion_miss(c: Criterion, image: Image, now: datetime) -> str | None:
    """Why ``image`` fails criterion ``c`` (its first parameter that does not match), or
    None when every parameter given matches."""
    if c.providers and image.owner not in c.providers:
        # Provider aliases name Amazon's, Marketplace and Backup vault accounts; the
        # emulator's images all belong to customer accounts, so no alias reaches them.
        return f"provider {image.owner} not listed"
    if c.names and not any(pattern.matches(image.name) for pattern in c.name_patterns):
        return f"name {image.name!r} matches none of {', '.join(c.names)}"
    if c.product_codes:
        return f"{image.image_id} has no Marketplace product code"
    if c.max_days_since_created is not None:
        age = _elapsed(image.creation_date, now)
        if age >= c.max_days_since_created * DAY_SECONDS:
            return (
                f"created {age // DAY_SECONDS} days ago, not within {c.max_days_since_created} days"
            )
    if c.max_days_since_deprecated is not None:
        deprecated = deprecation_time(image)
        if deprecated is not None:
            since = _elapsed(deprecated, now)
            # A deprecation time still ahead is no deprecation yet (``since`` < 0).
            if since >= c.max_days_since_deprecated * DAY_SECONDS:
                return (
                    f"deprecated {since // DAY_SECONDS} days ago, not within "
                    f"{c.max_days_since_deprecated} days"
                )
    if c.watermarks:
        return f"{image.image_id} carries no watermark"
    if c.scan_result is not None:
        return f"{image.image_id} has not been scanned by Amazon Inspector"
    return None


def deprecation_time(image: Image) -> str | None:
    """When the image is (or was) deprecated. The deprecation record (EnableImageDeprecation)
    is another part of the image's lifecycle; an image without one is never deprecated."""
    return getattr(image, "deprecation_time", None)


def _elapsed(moment: str, now: datetime) -> int:
    """Whole seconds from the EC2 time ``moment`` to ``now`` (negative when in the future)."""
    then = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return int((now - then).total_seconds())
