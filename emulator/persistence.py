"""The world in a file: loaded on start, saved after every change and on shutdown.

A save writes the whole snapshot to ``<path>.tmp``, syncs it to disk, then renames it over
``<path>``; a rename is atomic, so a crash at any moment leaves either the previous file or
the new one, never a partial one.

Saves after changes are grouped: a request that changed the world returns only once a snapshot
taken after its change is on disk, and one save covers every change that finished before it
began. So each acknowledged change survives a crash, and under load the number of saves stays
far below the number of changes.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from emulator.core.world import World

log = logging.getLogger("emulator.state")


class StateFileError(Exception):
    """The state file exists but cannot be read as a saved world."""


class StateFile:
    def __init__(self, world: World, path: str | os.PathLike[str]) -> None:
        self.world = world
        self.path = Path(path)
        self._counts = threading.Lock()
        self._writing = threading.Lock()  # one writer at a time, so saves land in order
        self._changes = 0  # changes finished so far
        self._saved = 0  # changes covered by the file on disk

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
            # The command line's settings win over those saved with the state.
            data["config"] = asdict(self.world.config)
            with self.world.lock:
                self.world.load(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise StateFileError(f"{self.path} is not a saved world: {exc}") from exc
        return True

    def changed(self) -> None:
        """Call after a change has finished; returns once the file holds it."""
        with self._counts:
            self._changes += 1
            mine = self._changes
        with self._writing:
            if self._saved >= mine:
                return  # a save that began after this change has already written it
            self._write()

    def save(self) -> None:
        """Write the current world now (on shutdown)."""
        with self._writing:
            self._write()

    def _write(self) -> None:
        with self._counts:
            covered = self._changes
        with self.world.lock:
            snapshot = self.world.to_dict()
        try:
            write_atomically(self.path, _without_secrets(snapshot))
        except OSError:
            # The change stays in memory and the next save retries; a failed write must not
            # turn an answered request into an error that a client would retry.
            log.exception("could not save the state to %s", self.path)
            return
        self._saved = covered


def _without_secrets(snapshot: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in snapshot.get("config", {}).items() if k != "secret_keys"}
    return {**snapshot, "config": config}


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON to ``path`` through a synced temporary file and a rename."""
    temporary = path.with_name(path.name + ".tmp")
    # dumps, not dump: dump streams through the pure-Python encoder, several times slower.
    text = json.dumps(data, separators=(",", ":"))
    with open(temporary, "w", encoding="utf-8") as out:
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
