"""One writer at a time on an index folder, across processes: an OS lock every writer holds.

Readers never take it: they follow the CURRENT pointer, which writers replace atomically.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from articlebot.index.store import IndexWriteError, holds_other_files, not_a_folder

LOCK_FILE = ".writer.lock"
#: Who holds the lock, for the message a waiting writer shows (informative only).
HOLDER_FILE = ".writer"


#: Index folders whose lock this thread holds, so that a writer's inner steps may take it again;
#: and the event on which a writer waiting for the lock gives up (giving_up_when).
_held = threading.local()
#: How often a writer waiting for the lock looks whether it is to give up.
WAIT_POLL_SECONDS = 0.2


class WriteStopped(IndexWriteError):
    """A writer gave up waiting for another (its process is stopping): nothing was written."""


@contextlib.contextmanager
def giving_up_when(stop: threading.Event) -> Iterator[None]:
    """In this thread, a writer waiting for another to finish gives up (WriteStopped) once
    `stop` is set: a stopping bot is not held up by a long `articlebot index`, and does not
    write after it told the admin it could not."""
    previous = getattr(_held, "stop", None)
    _held.stop = stop
    try:
        yield
    finally:
        _held.stop = previous


def _prepare(index_dir: Path) -> None:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise IndexWriteError(not_a_folder(index_dir)) from None
    except OSError as exc:
        raise IndexWriteError(
            f"cannot make the index folder {index_dir} ({exc.strerror or exc})"
        ) from None
    if not index_dir.is_dir():
        raise IndexWriteError(not_a_folder(index_dir))
    refusal = holds_other_files(index_dir)
    if refusal is not None:
        raise IndexWriteError(refusal)


def _holder(index_dir: Path) -> str:
    try:
        return (index_dir / HOLDER_FILE).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


@contextlib.contextmanager
def writer_lock(
    index_dir: Path, *, purpose: str = "", on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the index folder's writer lock; while another writer has it, say so and wait.

    Re-entered by the same thread, it is already held. The lock is the kernel's (flock), so it
    is released when its holder exits or is killed, and two threads of one process exclude each
    other as two processes do.
    """
    key = str(index_dir.absolute())
    held: set[str] = _held.__dict__.setdefault("dirs", set())
    if key in held:
        yield
        return
    _prepare(index_dir)
    # The lock file stays: unlinking it on release is what lets two writers hold "the" lock.
    lock = FileLock(index_dir / LOCK_FILE, thread_local=False, preserve_lock_file=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(index_dir)
        if on_wait is not None:
            on_wait(
                f"waiting for another writer of {index_dir} to finish"
                + (f" ({holder})" if holder else "")
            )
        wait_to_take(lambda: _took(lock), lock.acquire, str(index_dir))
    except OSError as exc:
        raise IndexWriteError(
            f"cannot write in the index folder {index_dir} ({exc.strerror or exc})"
        ) from None
    try:
        with contextlib.suppress(OSError):
            # The command, not its arguments: the file is left behind, readable by others, and
            # an option's value may be a password ("--api-url http://bot:pw@host").
            word = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
            program = os.path.basename(sys.argv[0]) if sys.argv else ""
            program = "articlebot" if program == "__main__.py" else program  # python -m
            command = f"{program} {word}".strip()
            (index_dir / HOLDER_FILE).write_text(
                f"pid {os.getpid()}, {purpose or command[:200]}, since "
                f"{time.strftime('%H:%M:%S')}\n",
                encoding="utf-8",
            )
        held.add(key)
        yield
    finally:
        held.discard(key)
        lock.release()


def stop_event() -> threading.Event | None:
    """The event on which a writer in this thread gives up waiting (`giving_up_when`), if any."""
    return getattr(_held, "stop", None)


def wait_to_take(take: Callable[[], bool], wait: Callable[[], object], what: str) -> None:
    """Take a writer lock that another writer holds (of an index folder or a database, named
    `what`): `wait` for it, or where this thread has a stop event (`giving_up_when`), `take`
    it (a try) every WAIT_POLL_SECONDS until it is free, giving up (WriteStopped) once the
    event is set."""
    stop = stop_event()
    if stop is None:
        wait()
        return
    while not take():
        if stop.wait(WAIT_POLL_SECONDS):
            raise WriteStopped(f"stopped waiting for another writer of {what}")


def _took(lock: FileLock) -> bool:
    """Take `lock` if it is free; whether it was."""
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    return True
