"""The layering rules: what each package of ``emulator`` may import, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import emulator

PACKAGE = Path(emulator.__file__).parent
FRAMEWORKS = ("flask", "werkzeug", "botocore", "boto3", "xmltodict", "yaml")

# The core's packages, lowest first: each may import only those before it (and itself).
# ``base`` is the root modules every domain uses; a new package or root module must be
# given its place here.
CORE_ORDER = (
    "base",
    "policy",
    "organizations",
    "iam",
    "kms",
    "ec2",
    "access",
    "snapshots",
    "world",
    "explain",
    "scenario",
)
BASE_MODULES = {
    "__init__",
    "errors",
    "ids",
    "paging",
    "commit",
    "wildcard",
    "authorization",
    "clock",
}

# What protocol may take from the layers under it: the registry, the error types and the
# Region list of api, and from core only the world, its errors and the dry-run commit. It
# names no service and no domain package, so it carries no AWS semantics.
PROTOCOL_MAY_IMPORT = (
    "emulator.protocol",
    "emulator.api.registry",
    "emulator.api.errors",
    "emulator.api.json_errors",
    "emulator.api.regions",
    "emulator.core.world",
    "emulator.core.errors",
    "emulator.core.commit",
)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it; ``from a import b`` counts as ``a``
    and as ``a.b`` (``b`` may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            assert node.module
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _files(folder: str) -> list[Path]:
    files = sorted((PACKAGE / folder).rglob("*.py"))
    assert files
    return files


def core_layer(name: str) -> str:
    """The CORE_ORDER entry of a core module or package, from its first name below core."""
    stem = name.removesuffix(".py")
    return "base" if stem in BASE_MODULES else stem


def order_violations(core: Path) -> set[str]:
    """``<file> -> <layer>`` for each core file importing a core package not below its own."""
    rank = {layer: i for i, layer in enumerate(CORE_ORDER)}
    found = set()
    for path in sorted(core.rglob("*.py")):
        relative = path.relative_to(core)
        own = core_layer(relative.parts[0])
        assert own in rank, f"{path}: no place in CORE_ORDER"
        for name in imported_modules(path):
            if not _is(name, "emulator.core") or name == "emulator.core":
                continue
            target = core_layer(name.split(".")[2])
            if rank.get(target, -1) > rank[own]:
                found.add(f"core/{relative.as_posix()} -> {target}")
    return found


def test_core_imports_no_framework_and_no_upper_layer() -> None:
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in _files("core")
        for name in imported_modules(path)
        if _is(name, *FRAMEWORKS, "emulator.api", "emulator.protocol", "emulator.web")
    }
    assert not offenders


def test_core_packages_import_only_those_below_them() -> None:
    found = order_violations(PACKAGE / "core")
    assert found == set(), "imports against CORE_ORDER"


def test_the_check_itself_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport botocore.model\n")
    assert {"flask", "botocore.model"} <= imported_modules(bad)


def test_the_order_check_catches_an_import_from_above(tmp_path: Path) -> None:
    core = tmp_path / "core"
    for module, source in {
        "errors.py": "",
        "policy/grammar.py": "from emulator.core.errors import Malformed\n",
        "organizations/tree.py": "from emulator.core.policy import grammar\n",
        "ec2/images/catalog.py": "from emulator.core.ec2.storage import records\n",
        "ec2/storage/records.py": "from emulator.core.ec2 import region\n",
        "kms/keys.py": "def f():\n    from emulator.core.ec2.images import catalog\n",
        "policy/evaluation.py": "import emulator.core.organizations.tree\n",
        "access/decide.py": "from emulator.core import world\n",
    }.items():
        (core / module).parent.mkdir(parents=True, exist_ok=True)
        (core / module).write_text(source)
    assert order_violations(core) == {
        "core/kms/keys.py -> ec2",
        "core/policy/evaluation.py -> organizations",
        "core/access/decide.py -> world",
    }


def test_the_order_check_refuses_a_package_with_no_place(tmp_path: Path) -> None:
    (tmp_path / "core" / "network").mkdir(parents=True)
    (tmp_path / "core" / "network" / "vpcs.py").write_text("")
    with pytest.raises(AssertionError, match="no place in CORE_ORDER"):
        order_violations(tmp_path / "core")


def test_protocol_knows_no_service_and_no_domain() -> None:
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in _files("protocol")
        for name in imported_modules(path)
        if _is(name, "emulator") and not _is(name, *PROTOCOL_MAY_IMPORT)
    }
    assert not offenders


def test_api_does_not_import_web_or_protocol() -> None:
    for path in _files("api"):
        for name in imported_modules(path):
            assert not _is(name, "emulator.web", "emulator.protocol", "flask"), path


def test_api_holds_no_access_rules() -> None:
    """The access decision is core's: api neither imports it nor the policy language."""
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in _files("api")
        for name in imported_modules(path)
        if _is(name, "emulator.core.access", "emulator.core.policy")
    }
    assert not offenders


def test_web_is_the_only_flask_user() -> None:
    """Flask and Werkzeug stay in web, and in server.py, which serves web's app on a socket."""
    offenders = {
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ("web", "server.py")
        and any(_is(name, "flask", "werkzeug") for name in imported_modules(path))
    }
    assert not offenders
