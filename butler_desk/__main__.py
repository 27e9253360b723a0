"""Start-up in one readable sequence: arguments → logging → database → services → GUI or a CLI command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from butler_desk.cli.main import run  # deferred: keeps `python -m butler_desk --version` instant

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
