"""The HTTP face: REST API, CDS Hooks, web UI."""

from oligoguide.service.app import StartupRefusedError, create_app
from oligoguide.service.settings import CdsIssuer, Settings

__all__ = ["CdsIssuer", "Settings", "StartupRefusedError", "create_app"]
