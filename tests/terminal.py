"""A command run on a pseudo-terminal, as a user at a terminal runs it (no pexpect needed)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


def _as_a_shell_starts_it() -> None:
    """In the child: Ctrl-C and SIGTERM as a shell leaves them, not as this test worker has them
    (a disposition of SIG_IGN is inherited across exec, and Python then never raises
    KeyboardInterrupt: the terminal test's Ctrl-C was lost on some full runs)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


class Terminal:
    """A process whose stdin, stdout and stderr are one pseudo-terminal of `columns` columns."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, columns: int = 80) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        env = {**env, "COLUMNS": str(columns), "TERM": "xterm"}
        self.process = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_as_a_shell_starts_it,
        )
        os.close(slave)
        self.raw = b""

    @property
    def text(self) -> str:
        """Everything shown so far, without colour codes and carriage returns."""
        return _ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def expect(self, pattern: str, timeout: float = 120) -> str:
        """Read until `pattern` (a regex) appears in what was shown after the last expect."""
        start = len(self.text)
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.text[start:]):
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not shown; the terminal shows:\n{self.text}")
            self._read(deadline - time.monotonic())
        return self.text[start:]

    def send(self, keys: str) -> None:
        """Type `keys` (use \\r for Enter, \\x1b[A for arrow up)."""
        os.write(self.master, keys.encode())

    def interrupt(self) -> None:
        """Press Ctrl-C: SIGINT, which the terminal sends its foreground process (this one has
        no controlling terminal, so typing ^C would not)."""
        time.sleep(0.1)  # what was typed read first, as a person's Ctrl-C comes after it
        self.process.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 60) -> int:
        """Wait for the process to end, reading what it still shows; its exit status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        self._read(0.2)
        os.close(self.master)
        return self.process.wait(timeout=5)

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if ready:
            try:
                self.raw += os.read(self.master, 65536)
            except OSError:  # the process ended and closed its side
                time.sleep(0.05)
