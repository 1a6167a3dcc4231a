"""Alembic migrations of the registry, shipped in the package and applied by `Registry.open`."""
