"""Run every benchmark: ``uv run python -m benchmarks [ledger|printing|requests ...]``."""

from __future__ import annotations

import importlib
import sys
import time

SUITES = ("ledger", "printing", "requests")


def main(argv: list[str]) -> int:
    chosen = argv or list(SUITES)
    for name in chosen:
        if name not in SUITES:
            print(f"unknown benchmark {name!r}; choose from {', '.join(SUITES)}")
            return 2
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
        except ModuleNotFoundError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        module.run()
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
