"""What the machine and this process are: CPUs, load, memory, library versions."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def proc_status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MiB, or None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Resident memory of this process now, MiB."""
    value = proc_status_mb("VmRSS")
    return value if value is not None else peak_rss_mb()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB."""
    value = proc_status_mb("VmHWM")
    if value is not None:
        return value
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (empty where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def versions() -> dict[str, str]:
    """Versions of the libraries the figures depend on, and the commit measured."""
    from importlib import metadata

    found = {}
    for name, dist in (("onnxruntime", "onnxruntime"), ("faiss", "faiss-cpu"), ("torch", "torch")):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(dist)
    with contextlib.suppress(Exception):
        found["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return found
