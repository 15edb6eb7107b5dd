"""The launch template record and its versions."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TemplateVersion:
    number: int
    create_time: str
    created_by: str
    description: str | None = None
    # The LaunchTemplateData as sent (the request shape's members, JSON values only).
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "data": copy.deepcopy(self.data)}


@dataclass
class LaunchTemplate:
    template_id: str
    owner: str
    region: str
    name: str
    create_time: str
    created_by: str
    default_version: int = 1
    latest_version: int = 1
    versions: dict[int, TemplateVersion] = field(default_factory=dict)

    def images(self, depth: int) -> set[str]:
        """The AMIs its ``depth`` most recent versions name (DescribeImageReferences' and
        the usage reports' ``version-depth``)."""
        recent = sorted(self.versions, reverse=True)[:depth]
        return {
            image for n in recent if isinstance(image := self.versions[n].data.get("ImageId"), str)
        }

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "versions"}
        data["versions"] = [v.to_dict() for v in self.versions.values()]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LaunchTemplate:
        data = dict(data)
        versions = [TemplateVersion(**v) for v in data.pop("versions", [])]
        return cls(**data, versions={v.number: v for v in versions})
