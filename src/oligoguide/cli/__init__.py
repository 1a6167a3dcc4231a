"""Command-line face: `oligoguide assess|schema|kb|dose|demo`. Every command calls the core."""

from __future__ import annotations

from oligoguide.cli.app import app


def main() -> None:
    """Console entry point; exit codes: 0 ok, 1 failure found (e.g. kb check), 2 bad input."""
    app(prog_name="oligoguide")


__all__ = ["app", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
