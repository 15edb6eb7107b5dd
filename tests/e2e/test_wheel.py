"""The README's wheel: built from a copy of the sources, it holds the package data, and the
command line it installs runs (the install instructions are ones that work)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from emulator import __version__

ROOT = Path(__file__).resolve().parents[2]
# pip's words when the build backend cannot be fetched: no network here.
OFFLINE = ("No matching distribution found", "Could not find a version", "NewConnectionError")


def test_the_wheel_holds_the_package_and_its_command_runs(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: building writes build/ and *.egg-info beside the code
    source.mkdir()
    shutil.copytree(
        ROOT / "emulator", source / "emulator", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode != 0 and any(word in built.stdout + built.stderr for word in OFFLINE):
        pytest.skip("pip cannot fetch the build backend (setuptools): no network")
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = tmp_path / "dist" / f"ami_emulator-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "emulator/scenarios/demo.yaml" in names
    assert any(n.startswith("emulator/web/templates/console/") for n in names)
    assert any(n.startswith("emulator/web/static/console/") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(f"ami_emulator-{__version__}.dist-info/entry_points.txt")
        .decode()
    )
    assert "ami-emulator = emulator.cli:main" in entry_points
    assert "ami_emulator = emulator.testing.pytest_plugin" in entry_points

    target = tmp_path / "site"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import emulator, sys; from emulator.cli import main; print(emulator.__file__); "
            "sys.exit(main(['check', '--help']))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[0].startswith(str(target))  # the wheel's copy, not the checkout
    demo = subprocess.run(
        [
            sys.executable,
            "-c",
            "from emulator.scenario_files import demo_text; print(len(demo_text()) > 0)",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert demo.stdout.strip() == "True", demo.stderr
