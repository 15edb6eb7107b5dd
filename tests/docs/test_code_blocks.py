"""Every fenced code block of README.md and docs/*.md runs, so the docs cannot rot.

One test per file. The blocks of a file run top to bottom against one fresh server holding
the demo world (the plugin's ``ami_server`` / ``ami_world`` with ``ami_scenario("demo")``),
so a page reads like a session at a terminal: what one block changes, the next one sees.

And one test reads every page in sequence, as a reader who keeps one ``make serve`` running
and one folder: alphabetically, then in reverse, against one server started as ``make serve``
starts it, in one scratch directory, with no reset but those the pages show. So every page
works whatever was read before it, and every page can be read twice in the same folder.
``http://127.0.0.1:4566`` in a block is replaced by the test server's URL, and the port of
a server a block starts itself (``ami-emulator serve --port 4567``) by a free one, in the
``--port`` option and in ``127.0.0.1:4567`` alike.

By language:

- ```python: run in one namespace shared by the file's python blocks, in the scratch
  directory, with the environment of the sh blocks (below). What it prints is its output. A
  block whose first line is ``# test_NAME.py`` is a pytest file instead: it is written to
  the scratch directory and run by ``python -m pytest`` in a child process (the plugin comes
  with the package).
- ```sh / ```bash: run by ``bash -e -o pipefail`` in a scratch directory shared by the
  file's blocks, with the venv's ``aws`` and ``ami-emulator`` first on PATH, and
  ``AWS_ACCESS_KEY_ID=123456789012`` (the management account of the demo world),
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION=us-east-1`` unless the block sets its own.
  Variables a block exports carry over to later sh and python blocks of the same file. Its
  standard output is its output. Background processes it starts (``ami-emulator serve
  --port N > serve.log 2>&1 &``) must be stopped by the block itself (``kill %1 && wait
  %1``), as a reader's terminal would otherwise keep them; a block that leaves one running
  fails. A command that never ends must be shown as ```text instead. When a block fails,
  the ends of the ``*.log`` and ``*.out`` files in the scratch directory are shown with the
  failure.
- ```yaml: must parse. A mapping with a top-level key of the scenario schema is built with
  ``emulator.scenario_files.check_text``. A first line ``# NAME.yaml`` also writes the block
  to NAME.yaml in the scratch directory, for later blocks (``--scenario NAME.yaml``, a
  pytest file's ``ami_scenario("NAME.yaml")``).
- ```json: must parse.
- ```text: output or a synopsis; not run.
- Any other language, or none, fails: say what the block is.

Directives, HTML comments on the line(s) right above a fence (invisible on the page):

- ``<!-- docs-test: output -->``: this block is the output of the nearest block above it that
  ran, and must match it: ```json and ```yaml as data, ```text line by line with runs of
  blanks counted as one.
- ``<!-- docs-test: error -->``: this block must fail (a command exiting non-zero, a python
  exception, a scenario that does not build); its output is then the error message
  (standard error then standard output for sh; ``Type: message`` for python).

There is no hidden reset: a page that needs the demo world (or an empty one) shows the
request that gets it (``curl -s -X POST http://127.0.0.1:4566/_emulator/reset?to=demo``).

A failure names the file, the line of the block's opening fence, and what went wrong.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from emulator.api.regions import partition_of
from emulator.core.scenario import TOP_KEYS
from emulator.core.world import World
from emulator.scenario_files import ScenarioFileError, check_text, load_demo_into
from emulator.server import RunningServer, start_in_thread
from tests.docs.markdown_blocks import Block, MarkdownError, read_blocks

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOC_URL = "http://127.0.0.1:4566"
SHELL_SECONDS = 60
STOP_GRACE_SECONDS = 5
PYTEST_SECONDS = 180
NOT_RUN = {"text"}
SHELL = {"sh", "bash"}
DEFAULT_ENV = {
    "AWS_ACCESS_KEY_ID": "123456789012",
    "AWS_SECRET_ACCESS_KEY": "docs-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_PAGER": "",
}
OWN_PORT = re.compile(r"--port\s+(\d+)")
# Set by bash itself; carrying them from one block to the next would only confuse.
BASH_OWN = {"_", "SHLVL", "PWD", "OLDPWD"}


class BlockFailed(Exception):
    """Why a block failed, in words for the reader of the test report."""


class DocRun:
    """Runs the blocks of one Markdown file in order, keeping what they share."""

    def __init__(self, server: RunningServer, world: World, scratch: Path) -> None:
        self.url = server.url
        self.world = world
        self.scratch = scratch
        bin_dir = str(Path(sys.executable).parent)
        self.env = {
            **os.environ,
            **DEFAULT_ENV,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.output: str | None = None  # of the nearest block above that ran

    def run(self, block: Block) -> None:
        if "error" in block.directives and block.lang not in {"python", "yaml", "yml", *SHELL}:
            raise BlockFailed("'error' applies to python, sh and scenario yaml blocks only")
        if block.options or block.directives - {"error", "output"}:
            raise BlockFailed(
                f"unknown directive(s) {sorted(block.directives - {'error', 'output'})} "
                f"{block.options or ''}: use output or error (a page shows its resets)"
            )
        if "output" in block.directives:
            self._compare(block)
            return
        if block.lang in SHELL:
            self._shell(block)
        elif block.lang == "python" and self._is_test_file(block):
            self._pytest_file(block)
        elif block.lang == "python":
            self._python(block)
        elif block.lang in ("yaml", "yml"):
            self._yaml(block)
        elif block.lang == "json":
            _parse(block.body, block.lang, json.loads)
        elif block.lang not in NOT_RUN:
            raise BlockFailed(
                f"unknown language {block.lang or '(none)'!r}: use python, sh, yaml, json, or "
                "text for output and synopses"
            )

    # ------------------------------------------------------------------ sh

    def _shell(self, block: Block) -> None:
        script = self.scratch / f"block-{block.line}.sh"
        env_out = self.scratch / f"block-{block.line}.env"
        script.write_text(f"cd {self.scratch}\n{self._local(block.body)}\nenv -0 > {env_out}\n")
        stdout, stderr = self.scratch / "stdout", self.scratch / "stderr"
        with stdout.open("w") as out, stderr.open("w") as err:
            proc = subprocess.Popen(
                ["bash", "-e", "-o", "pipefail", str(script)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=self.env,
                cwd=self.scratch,
                start_new_session=True,
            )
            try:
                code = proc.wait(timeout=SHELL_SECONDS)
            except subprocess.TimeoutExpired:
                code = None
            finally:
                left_running = _stop_group(proc.pid)
        text_out, text_err = stdout.read_text(), stderr.read_text()
        if code is None:
            raise BlockFailed(
                f"still running after {SHELL_SECONDS} s: a command that never "
                f"ends must be shown as ```text (or run in the background){self._logs()}"
            )
        if left_running and code == 0:
            raise BlockFailed(
                "left a process running in the background: stop what the block starts "
                f"(kill %1 && wait %1), or the reader's terminal keeps it{self._logs()}"
            )
        self._outcome(
            block, code == 0, text_out, f"exit status {code}{self._logs()}", text_err + text_out
        )
        if code == 0:
            self.env = _read_env(env_out.read_bytes())

    def _logs(self) -> str:
        """The end of the logs and outputs a block wrote (``serve.log`` of a server it
        started)."""
        tails = [
            f"\n--- {log.name}:\n" + "\n".join(log.read_text().splitlines()[-20:])
            for log in sorted([*self.scratch.glob("*.log"), *self.scratch.glob("*.out")])
        ]
        return "".join(tails)

    # ------------------------------------------------------------------ python

    @staticmethod
    def _is_test_file(block: Block) -> bool:
        name = block.file_name()
        return name is not None and name.startswith("test_") and name.endswith(".py")

    def _python(self, block: Block) -> None:
        label = f"{block.path.name}:{block.line}"
        # Blank lines first, so a traceback's line numbers are the Markdown file's.
        code = compile("\n" * block.line + self._local(block.body), label, "exec")
        printed = io.StringIO()
        try:
            with self._environment(), contextlib.redirect_stdout(printed):
                exec(code, self.namespace)
        except Exception as exc:
            where = [
                f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == label
            ]
            at = f"raised at line {where[-1]}" if where else "raised"
            self._outcome(block, False, printed.getvalue(), at, f"{type(exc).__name__}: {exc}")
            return
        self._outcome(block, True, printed.getvalue(), "", "")

    @contextlib.contextmanager
    def _environment(self) -> Iterator[None]:
        """The exported variables of the page, its scratch directory, and a boto3 default
        session that reads them."""
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        boto3.DEFAULT_SESSION = None
        try:
            with contextlib.chdir(self.scratch):
                yield
        finally:
            os.environ.clear()
            os.environ.update(saved)
            boto3.DEFAULT_SESSION = None

    def _pytest_file(self, block: Block) -> None:
        name = block.file_name()
        assert name is not None
        (self.scratch / name).write_text(block.body)
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
            cwd=self.scratch,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=PYTEST_SECONDS,
        )
        self._outcome(
            block,
            done.returncode == 0,
            done.stdout,
            f"pytest exited {done.returncode}",
            done.stdout + done.stderr,
        )

    # ------------------------------------------------------------------ yaml and json

    def _yaml(self, block: Block) -> None:
        documents = _parse(block.body, block.lang, lambda text: list(yaml.safe_load_all(text)))
        name = block.file_name()
        if name is not None:
            (self.scratch / name).write_text(block.body)
        data = documents[0] if len(documents) == 1 else None
        if not (isinstance(data, dict) and TOP_KEYS & set(data)):
            if "error" in block.directives:
                raise BlockFailed("'error' on a yaml block that is not a scenario")
            return
        try:
            check_text(block.body, name or "scenario.yaml")
        except ScenarioFileError as exc:
            self._outcome(block, False, "", str(exc), str(exc))
            return
        self._outcome(block, True, "", "", "")

    # ------------------------------------------------------------------ outcomes

    def _outcome(self, block: Block, ok: bool, output: str, failure: str, error: str) -> None:
        """Record what the block printed; fail unless it succeeded or failed as declared."""
        if "error" in block.directives:
            if ok:
                raise BlockFailed(f"is marked 'error' but succeeded; it printed:\n{output}")
            self.output = error
            return
        if not ok:
            raise BlockFailed(f"{failure}\n{error.strip()}")
        self.output = output

    def _compare(self, block: Block) -> None:
        if self.output is None:
            raise BlockFailed("'output' block with no block above it that ran")
        expected, actual = self._local(block.body), self.output
        if block.lang == "json":
            same = _parse(expected, block.lang, json.loads) == _loads(actual, json.loads)
        elif block.lang in ("yaml", "yml"):
            same = _parse(expected, block.lang, yaml.safe_load) == _loads(actual, yaml.safe_load)
        else:
            same = _lines(expected) == _lines(actual)
        if not same:
            raise BlockFailed(f"the output shown differs from the real one, which is:\n{actual}")

    def _local(self, text: str) -> str:
        """The block as it runs here: the test server's URL for the documented one, and a free
        port for each server the block starts itself (``--port N``), so that test runs side
        by side never fight over a port."""
        text = text.replace(DOC_URL, self.url)
        for port in sorted(set(OWN_PORT.findall(text)) - {"0"}):
            free = str(_free_port())
            text = re.sub(rf"(--port\s+|127\.0\.0\.1:|localhost:){port}\b", rf"\g<1>{free}", text)
        return text


def reset_world(world: World) -> None:
    """Empty, with the default settings, so that what a page loaded reaches no other test."""
    with world.lock:
        world.load(World().to_dict())
        world.baseline = None


def _parse(text: str, lang: str, parse: Any) -> Any:
    try:
        return parse(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise BlockFailed(f"does not parse as {lang}: {exc}") from None


def _loads(text: str, parse: Any) -> Any:
    """What a block printed, as data when it parses (else the text, which then differs)."""
    try:
        return parse(text)
    except (ValueError, yaml.YAMLError):
        return text


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.strip().splitlines()]


def _read_env(raw: bytes) -> dict[str, str]:
    pairs = (entry.decode().partition("=") for entry in raw.split(b"\0") if entry)
    return {key: value for key, _, value in pairs if key not in BASH_OWN}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop_group(pid: int) -> bool:
    """Stop what a shell block left running in the background; True when there was any
    (after a moment's grace for what the block itself was stopping)."""
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while _group_alive(pid):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            return True
        time.sleep(0.05)
    return False


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member that is now another user's: gone from ours
        return False
    return True


@pytest.mark.ami_scenario("demo")
@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_code_block_runs(
    doc: Path, ami_server: RunningServer, ami_world: World, tmp_path: Path
) -> None:
    name = doc.relative_to(ROOT).as_posix()
    try:
        failure = _first_failure(name, read_blocks(doc), DocRun(ami_server, ami_world, tmp_path))
    except MarkdownError as exc:
        failure = f"{name}:{exc.line}: {exc.message}"
    finally:
        reset_world(ami_world)
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def test_every_page_in_any_order_against_one_server(tmp_path: Path) -> None:
    """A reader with one ``make serve`` and one folder, reading every page alphabetically and
    then in reverse: each page starts from what the pages before it left (world, files)."""
    world = World(partition_of=partition_of)  # as `make serve` starts: the demo world
    load_demo_into(world)
    world.set_baseline()
    running = start_in_thread(world)
    read: list[str] = []
    try:
        for order in (sorted(DOCS), sorted(DOCS, reverse=True)):
            for doc in order:
                name = doc.relative_to(ROOT).as_posix()
                # A new terminal per page (its own exports), the same server and folder.
                failure = _first_failure(name, read_blocks(doc), DocRun(running, world, tmp_path))
                if failure is not None:
                    after = ", ".join(read[-3:]) or "nothing"
                    pytest.fail(
                        f"read after {len(read)} pages (last: {after}):\n{failure}", pytrace=False
                    )
                read.append(name)
    finally:
        running.stop()


def _first_failure(name: str, blocks: list[Block], run: DocRun) -> str | None:
    for block in blocks:
        try:
            run.run(block)
        except BlockFailed as exc:
            return f"{name}:{block.line}: ```{block.lang} block: {exc}\n\nThe block:\n{block.body}"
    return None
