"""A newcomer's first commands: ``make serve`` and ``make test``, the first line the server
prints, the command line's refusals, and the end of a test run that skipped tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from emulator import __version__
from tests.skip_summary import HOW_TO_ENABLE

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _make(*args: str, venv: Path) -> str:
    """What ``make -n`` would run, with the venv at ``venv`` (nothing is run)."""
    assert MAKE is not None
    done = subprocess.run(
        [MAKE, "--no-print-directory", "-n", *args, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_make
def test_make_serve_installs_only_what_serving_needs(tmp_path: Path) -> None:
    commands = _make("serve", venv=tmp_path / "venv")
    assert "pip install -e ." in commands
    assert "[test]" not in commands
    assert "--quiet" not in commands  # a cold install shows its progress
    assert "about 30 s the first time" in commands
    assert commands.strip().splitlines()[-1].endswith("ami-emulator serve --port 4566")


@needs_make
def test_make_serve_passes_port_and_args(tmp_path: Path) -> None:
    commands = _make("serve", "PORT=4567", "ARGS=--empty --log-level WARNING", venv=tmp_path)
    assert (
        commands.strip()
        .splitlines()[-1]
        .endswith("ami-emulator serve --port 4567 --empty --log-level WARNING")
    )


@needs_make
def test_make_test_installs_the_test_extra_and_says_why_tests_skip(tmp_path: Path) -> None:
    commands = _make("test", venv=tmp_path / "venv")
    assert "pip install -e '.[test]'" in commands
    assert "pytest" in commands and " -rs" in commands


@needs_make
def test_make_serve_first_line_names_endpoint_console_and_account() -> None:
    """The real target, on the venv running this test, when it is already installed."""
    assert MAKE is not None
    stamp = VENV / ".serve-installed"
    up_to_date = subprocess.run(
        [MAKE, "--no-print-directory", "-q", str(stamp), f"VENV={VENV}"],
        cwd=ROOT,
        capture_output=True,
        timeout=30,
    )
    if up_to_date.returncode != 0:
        pytest.skip(f"{stamp} is not up to date: `make serve` would install first")
    proc = subprocess.Popen(
        [MAKE, "--no-print-directory", "serve", "PORT=0", f"VENV={VENV}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    try:
        line = first[0] if first else ""
        words = line.split()
        assert words[:3] == ["ami-emulator", "listening", "on"], line
        url = words[3]
        assert url.startswith("http://127.0.0.1:")
        assert "(AWS endpoint)" in line
        assert f"console {url}/_emulator/console/" in line
        assert "demo world, management account 123456789012" in line
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()


def _first_line(*args: str) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        return proc.stdout.readline().rstrip("\n")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_first_line_of_an_empty_world_without_console() -> None:
    line = _first_line("--empty", "--no-console")
    url = line.split()[3]
    assert line == f"ami-emulator listening on {url} (AWS endpoint); empty world"


def test_first_line_of_a_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "one.yaml"
    scenario.write_text(
        "organizations:\n  - id: o-abcdefghij\n    management_account: 210987654321\n"
    )
    line = _first_line("--scenario", str(scenario))
    assert line.endswith(f"; scenario {scenario}, management account 210987654321")


def test_first_line_of_a_saved_world(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _first_line("--empty", "--state-file", str(state))
    assert first.endswith("; empty world")  # no file yet: the starting world
    assert _first_line("--state-file", str(state)).endswith(f"; saved world from {state}")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], capture_output=True, text=True, timeout=30
    )


def test_version() -> None:
    done = _cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"ami-emulator {__version__}"


@pytest.mark.parametrize(
    "bad",
    [
        ["--port", "70000"],
        ["--port", "65536"],
        ["--port", "-1"],
        ["--port", "http"],
        ["--host", "999.1.1.1"],
        ["--host", "no-such-host.invalid"],
        ["--host", "127.0.0.1:4566"],
        ["--host", ""],
    ],
)
def test_bad_port_or_host_is_refused_in_one_line(bad: list[str]) -> None:
    done = _cli("serve", "--empty", *bad)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"ami-emulator serve: error: argument {bad[0]}: ")
    assert "Traceback" not in done.stderr


def test_an_address_of_no_interface_here_is_a_bad_host() -> None:
    # 192.0.2.0/24 is TEST-NET-1: documentation only, never an address of this machine.
    done = _cli("serve", "--empty", "--host", "192.0.2.1", "--port", "0")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert "cannot listen on 192.0.2.1" in done.stderr


def test_skipped_groups_say_how_to_run_them(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "from tests.skip_summary import pytest_terminal_summary\n"
        "__all__ = ['pytest_terminal_summary']\n"
    )
    (tmp_path / "test_groups.py").write_text(
        "import pytest\n"
        "@pytest.mark.browser\n"
        "@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_in_a_browser(n):\n"
        "    pytest.skip('no chromium')\n"
        "@pytest.mark.docker\n"
        "def test_in_docker():\n"
        "    pytest.skip('no daemon')\n"
        "def test_runs():\n"
        "    pass\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-rs",
            "-p",
            "no:cacheprovider",
            "-o",
            "markers=browser\n docker",
            "test_groups.py",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "install Debian's chromium and chromium-driver packages to run the 2 browser tests"
        in done.stdout
    )
    assert "start a Docker daemon the current user may use to run the 1 docker test" in done.stdout
    assert "SKIPPED [2] test_groups.py" in done.stdout  # -rs: the reason of each


def test_the_readme_lists_what_the_whole_suite_needs() -> None:
    """What the skipped groups ask for, and the tools the docs' examples run, are in the
    README's quick start, as are where the installed tools are."""
    readme = (ROOT / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start") : readme.index("## Use it")]
    for needed in ("chromium chromium-driver", "Docker daemon", "`bash`", "`curl`", "python3-venv"):
        assert needed in quick_start, needed
    for tool in (".venv/bin/ami-emulator", ".venv/bin/aws", "source .venv/bin/activate"):
        assert tool in quick_start, tool
    assert set(HOW_TO_ENABLE) == {"browser", "docker"}  # each said above
