"""What the benchmarks share: timing a whole process, medians, the machine's description."""
from __future__ import annotations

import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Run", "run_process", "median", "machine", "load_average", "fmt_s",
           "fmt_ratio", "fmt_mb"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    """One finished process: wall-clock seconds, CPU seconds (user + system, its children
    included), peak resident memory in bytes (the largest of it and its children), and
    whether it was killed for running past its time limit."""

    wall: float
    cpu: float
    peak_rss: int
    timed_out: bool = False
    stdout: str = ""


def _env() -> dict:
    env = dict(os.environ)
    # the same dkg as this checkout, whatever is installed
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def run_process(cmd: list[str], *, timeout: float | None = None, cwd: str | None = None) -> Run:
    """Run ``cmd`` to its end and measure it (wall clock from start to exit).

    Peak memory and CPU time come from ``wait4`` on this one child, so they are
    its own (and its children's), never another benchmark's. A run past
    ``timeout`` seconds is killed with its process group and comes back with
    ``timed_out``. A failing command raises RuntimeError with its error output.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(), cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().decode("utf-8", "replace")
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stdout.close()
    proc.stderr.close()
    if not timed_out and proc.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, timed_out, out)


def median(values) -> float:
    """The median of the values."""
    return statistics.median(list(values))


def load_average() -> str:
    """The 1-minute load average, as text."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _memory_bytes() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """The machine and software the numbers were measured on (no names, only properties)."""
    return {
        "CPU": f"{os.cpu_count()} cores ({_cpu_model()}, {platform.machine()})",
        "Memory": f"{_memory_bytes() / 2**30:.0f} GiB",
        "OS": f"{platform.system()} (kernel {'.'.join(platform.release().split('.')[:2])})",
        "Python": platform.python_version(),
        "spaCy": _version("spacy"),
        "pyoxigraph": _version("pyoxigraph"),
        "rdflib": _version("rdflib"),
        "dkg": _version("diplomatic-kg"),
    }


def fmt_s(seconds: float | None, limit: float | None = None) -> str:
    """Seconds as text, with enough digits; ``> limit s`` for a run that was stopped."""
    if seconds is None:
        return f"> {limit:g} s" if limit else "-"
    if seconds >= 100:
        return f"{seconds:.0f} s"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.1f} ms"


def fmt_ratio(value: float | None, prefix: str = "") -> str:
    """A ratio as ``1.23x`` (``> 12x`` when it is a lower bound)."""
    if value is None:
        return "-"
    digits = 0 if value >= 100 else (1 if value >= 10 else 2)
    return f"{prefix}{value:.{digits}f}x"


def fmt_mb(nbytes: int) -> str:
    """Bytes as MB (10^6)."""
    return f"{nbytes / 1e6:,.0f} MB"


if __name__ == "__main__":  # pragma: no cover
    for key, value in machine().items():
        print(f"{key}: {value}")
    sys.exit(0)
