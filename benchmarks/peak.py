"""Runs `-m MODULE ARGS...` or `-c CODE ARGS...` and writes the process's peak RSS at exit.

    python -m benchmarks.peak -m articlebot ask "a question" --index-dir DIR

The peak (VmHWM) goes to stderr as `BENCH_PEAK_KB <kB>`. wait4's ru_maxrss is no use for this: a
forked child starts out counting its parent's resident memory. Imports nothing but the standard
library modules that `python -m` loads anyway, since it sits inside every cold start it measures.
"""

import atexit
import runpy
import sys

PEAK_MARKER = "BENCH_PEAK_KB "


def report_peak() -> None:
    """Write this process's peak resident memory (kB) to stderr."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    sys.stderr.write(f"\n{PEAK_MARKER}{line.split()[1]}\n")
                    sys.stderr.flush()
    except OSError:
        pass


def main() -> None:
    """Run the module or code named on the command line as `python` itself would."""
    atexit.register(report_peak)
    mode, target, *rest = sys.argv[1:]
    if mode == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *rest]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})


if __name__ == "__main__":
    main()
