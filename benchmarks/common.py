"""Shared benchmark helpers: the cached large estate, timing statistics, peak memory, report lines."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
LARGE_UNITS = 20_000
LARGE_SEED = 20261127


def large_estate() -> Path:
    """The 20,000-unit / ~26,000-party estate, built once and cached."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"large-{LARGE_UNITS}.sqlite3"
    if not path.exists():
        from butler_desk.services.demo.estate import build_demo_estate

        print(f"  (building the large estate once: {path.name})", flush=True)
        partial = path.with_suffix(".partial")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        build_demo_estate(partial, units=LARGE_UNITS, seed=LARGE_SEED, **_no_requests())
        partial.rename(path)
    return path


def _no_requests() -> dict:
    """The ledger benchmarks want the ledger only (requests, if the demo has them, are benchmarked apart)."""
    import inspect

    from butler_desk.services.demo.estate import build_demo_estate

    return {"requests": 0} if "requests" in inspect.signature(build_demo_estate).parameters else {}


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has .pyc files; measure like one
    return env


def report(name: str, value: float, unit: str, *, baseline: float | None = None, target: str = "") -> str:
    line = f"{name:<48} {value:>10.1f} {unit}"
    if baseline is not None:
        line += f"   baseline {baseline:.1f} {unit}   ratio {value / baseline:.2f}"
    if target:
        line += f"   (target {target})"
    print(line, flush=True)
    return line


PYTHON = sys.executable


def peak_rss_mb() -> float:
    """This process's own peak resident memory.

    Linux carries ru_maxrss across exec, so a child started by a benchmark that had itself
    grown large would report the parent's peak; VmHWM belongs to the process's own memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
