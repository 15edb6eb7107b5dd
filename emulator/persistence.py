"""The world in a file: loaded on start, saved shortly after every change and on shutdown.

A save writes the whole snapshot to ``<path>.tmp``, syncs it to disk, then renames it over
``<path>``; a rename is atomic, so a crash at any moment leaves either the previous file or
the new one, never a partial one. Each snapshot is taken under the world's lock, so it holds
a consistent world: every request either wholly in it or not at all.

Saving happens behind the requests, on a thread of its own: a request that changed the world
only marks it changed and answers at once. The saver writes the world as soon as it is
changed, but leaves at least ``min_interval`` seconds, and at least as long as the last save
took, between two saves, so a large world cannot spend most of its time being saved. A crash
loses the changes made since the last save began; a clean shutdown loses nothing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from emulator.core.world import World

log = logging.getLogger("emulator.state")

MIN_INTERVAL = 0.1  # seconds between the starts of two saves, at least


class StateFileError(Exception):
    """The state file exists but cannot be read as a saved world."""


class StateFile:
    def __init__(
        self, world: World, path: str | os.PathLike[str], *, min_interval: float = MIN_INTERVAL
    ) -> None:
        self.world = world
        self.path = Path(path)
        self.min_interval = min_interval
        self._wake = threading.Condition()
        self._changed = False
        self._closing = False
        self._writing = threading.Lock()  # one writer at a time, so saves land in order
        self._saver: threading.Thread | None = None

    def load(self) -> bool:
        """Load the file if there is one; False when there is none yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StateFileError(f"{self.path}: {exc}") from exc
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            with self.world.lock:
                self.world.load(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise StateFileError(f"{self.path} is not a saved world: {exc}") from exc
        return True

    def start(self) -> None:
        """Start the thread that saves after changes."""
        self._saver = threading.Thread(target=self._save_changes, name="state-file", daemon=True)
        self._saver.start()

    def changed(self) -> None:
        """Call after a request changed the world; returns at once."""
        with self._wake:
            self._changed = True
            self._wake.notify()

    def close(self) -> bool:
        """Stop the saver and write the world a last time; False when that write failed."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        if self._saver is not None:
            self._saver.join()
        return self._write()

    def _save_changes(self) -> None:
        while True:
            with self._wake:
                while not (self._changed or self._closing):
                    self._wake.wait()
                if self._closing:
                    return
                self._changed = False
            began = time.monotonic()
            self._write()
            took = time.monotonic() - began
            pause = max(self.min_interval - took, took)
            with self._wake:
                # Changes made meanwhile wait for the pause; closing does not.
                self._wake.wait_for(lambda: self._closing, timeout=pause)

    def _write(self) -> bool:
        with self._writing:
            with self.world.lock:
                snapshot = self.world.to_dict()
            try:
                write_atomically(self.path, _without_given_secrets(snapshot, self.world.pinned))
            except OSError:
                # The world stays in memory and the next change retries; a full disk must
                # not take the emulator down.
                log.exception("could not save the state to %s", self.path)
                return False
            return True


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
    text = json.dumps(data, separators=(",", ":"))
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
