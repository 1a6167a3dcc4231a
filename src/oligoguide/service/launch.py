"""Build a ready-to-serve app from settings: open the registry, load example cases, check safety."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from oligoguide.assess import assess
from oligoguide.model import load_case
from oligoguide.service.app import create_app
from oligoguide.service.registry_adapter import RegistryTokens
from oligoguide.service.settings import Settings
from oligoguide.store import AlreadyExists, Registry

log = logging.getLogger("oligoguide.service")
LOADER = "example-loader"


def load_examples(registry: Registry, folder: Path) -> int:
    """Store each example case once (existing ids are left alone); returns how many were new."""
    added = 0
    for path in sorted(folder.glob("*.json")):
        case = load_case(path)
        try:
            record = registry.create_case(case, LOADER)
        except AlreadyExists:
            continue
        registry.save_assessment(case.case_id, record.version, assess(case), LOADER)
        added += 1
    return added


def build_app(settings: Settings) -> tuple[FastAPI, Registry]:
    registry = Registry.open(settings.db_url)
    tokens = RegistryTokens(registry)
    app = create_app(settings, tokens, registry)
    if settings.examples_dir is not None:
        added = load_examples(registry, settings.examples_dir)
        log.info("loaded %d example case(s)", added)
    return app, registry
