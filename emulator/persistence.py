"""The world in a file: loaded on start, saved before every change is answered and on shutdown.

A save writes the whole snapshot to ``<path>.tmp``, syncs it to disk, then renames it over
``<path>``; a rename is atomic, so a crash at any moment leaves either the previous file or
the new one, never a partial one. Each snapshot is taken under the world's lock, so it holds
a consistent world: every request either wholly in it or not at all.

Group commit: a request that changed the world waits, before its answer is sent, until a
save that began after its change has finished. One thread saves; each save covers every
request that was waiting when it began, so concurrent writers share saves. A change that was
answered is on disk: a ``kill -9`` can only lose changes whose answer was not yet sent.

A save that fails (a full disk, a read-only or vanished directory, a value that cannot be
written) is logged and sets ``world.writes_refused``: ``/_emulator/health`` answers 503, and
every request that would change the world is refused with 503 and changes nothing. The saver
tries again every ``retry_interval`` seconds, and accepts changes again once a save succeeds.
The requests that were waiting for the failed save are answered as usual: their change is in
memory, and on disk with the next save that succeeds.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from emulator.core.scenario import TOP_KEYS
from emulator.core.snapshots.form import FORMAT
from emulator.core.snapshots.schema import DocumentError
from emulator.core.world import World
from emulator.document_parsers import DocumentSyntaxError, parse_json

log = logging.getLogger("emulator.state")

RETRY_INTERVAL = 1.0  # seconds between attempts while saves fail


class StateFileError(Exception):
    """The state file cannot be used (its message is one line)."""


class StateFile:
    def __init__(
        self,
        world: World,
        path: str | os.PathLike[str],
        *,
        retry_interval: float = RETRY_INTERVAL,
    ) -> None:
        self.world = world
        self.path = Path(path)
        self.retry_interval = retry_interval
        self._wake = threading.Condition()
        self._asked = 0  # changes announced by ``changed``
        self._done = 0  # changes covered by the last save attempt that finished
        self._closing = False
        self._stopped = False
        self._last_saved = False
        self._saver: threading.Thread | None = None

    def load(self) -> bool:
        """Load the file if there is one; False when there is none yet. Anything but a state
        file this program wrote raises ``StateFileError`` and leaves the file as it is."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StateFileError(f"{self.path}: cannot read it: {exc.strerror}") from None
        data = _saved_world(raw, self.path)
        try:
            with self.world.lock:
                self.world.load(data)
        except DocumentError as err:
            raise StateFileError(f"{self.path} is not a saved world: {err}") from None
        return True

    def start(self) -> None:
        """Save once now, so that a path that cannot be written stops the start, then start
        the thread that saves after changes."""
        try:
            self._write()
        except Exception as exc:  # any failure to save, told in one line
            raise StateFileError(f"cannot save the state to {self.path}: {_why(exc)}") from None
        self._saver = threading.Thread(target=self._save_changes, name="state-file", daemon=True)
        self._saver.start()

    def changed(self) -> None:
        """Call after a request changed the world; returns once a save that began after the
        change has finished (or failed: then ``world.writes_refused`` says why)."""
        with self._wake:
            self._asked += 1
            mine = self._asked
            self._wake.notify_all()
            self._wake.wait_for(lambda: self._done >= mine or self._stopped)

    def close(self) -> bool:
        """Stop the saver after a last save of everything; False when that save failed."""
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._saver is not None:
            self._saver.join()
        return self._last_saved

    def _save_changes(self) -> None:
        while True:
            with self._wake:
                # Idle until a change waits; while saves fail, also try again now and then.
                retry = self.retry_interval if self.world.writes_refused else None
                self._wake.wait_for(lambda: self._asked > self._done or self._closing, retry)
                closing, covered = self._closing, self._asked
            # Every change announced by now is in the snapshot this save takes.
            self._last_saved = self._save()
            with self._wake:
                self._done = covered
                self._stopped = closing
                self._wake.notify_all()
            if closing:
                return

    def _write(self) -> None:
        with self.world.lock:
            snapshot = self.world.to_dict()
        write_atomically(self.path, _without_given_secrets(snapshot, self.world.pinned))

    def _save(self) -> bool:
        """One save. A failure refuses changes until a save succeeds again."""
        try:
            self._write()
        except Exception as exc:  # whatever it is, the saver must go on, and say so
            reason = f"cannot save the state to {self.path}: {_why(exc)}"
            if reason != self.world.writes_refused:
                log.error(
                    "%s; changes are refused until a save succeeds",
                    reason,
                    exc_info=not isinstance(exc, OSError),
                )
            self.world.writes_refused = reason
            return False
        if self.world.writes_refused is not None:
            log.warning("saved the state to %s again; changes are accepted", self.path)
            self.world.writes_refused = None
        return True


def _why(exc: Exception) -> str:
    return str(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"


def _saved_world(raw: bytes, path: Path) -> dict[str, Any]:
    """The snapshot in a state file's bytes, or ``StateFileError`` saying what the file is."""
    if not raw.strip():
        raise StateFileError(f"{path} is not a saved world: it is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StateFileError(f"{path} is not a saved world: it is not UTF-8 text") from None
    try:
        data = parse_json(text)
    except DocumentSyntaxError as exc:
        line = f" at line {exc.line}" if exc.line else ""
        raise StateFileError(
            f"{path} is not a saved world ({exc.message}{line}): truncated or not a state file"
        ) from None
    if not isinstance(data, dict):
        raise StateFileError(f"{path} is not a saved world: JSON, but not an object")
    if data.get("format") != FORMAT:
        hint = ""
        if data.keys() & TOP_KEYS:
            hint = "; it looks like a scenario file, which --scenario loads"
        raise StateFileError(
            f'{path} is not a state file written by ami-emulator: no "format": "{FORMAT}"{hint}'
        )
    return data


def _without_given_secrets(snapshot: dict[str, Any], pinned: dict[str, Any]) -> dict[str, Any]:
    """The file keeps session secrets and secrets loaded with the world (both are needed
    after a restart), not those from the command line, which are given again at each start."""
    given = pinned.get("secret_keys", {})
    config = dict(snapshot.get("config", {}))
    kept = {k: v for k, v in config.pop("secret_keys", {}).items() if k not in given}
    if kept:
        config["secret_keys"] = kept
    return {**snapshot, "config": config}


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON to ``path`` through a synced temporary file and a rename."""
    temporary = path.with_name(path.name + ".tmp")
    # dumps, not dump: dump streams through the pure-Python encoder, several times slower.
    # No NaN or Infinity: they are not JSON, and the loader refuses them.
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    # Owner only: the file holds secrets. fchmod too, for a stray temporary file.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    if hasattr(os, "O_DIRECTORY"):
        # Make the rename itself durable.
        directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
