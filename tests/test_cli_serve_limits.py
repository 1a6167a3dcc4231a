"""`oligoguide serve` lets an operator set the service's limits, without a second copy of their
defaults."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

import typer
from typer.testing import CliRunner

from oligoguide.cli import app
from oligoguide.cli.serve import limits
from oligoguide.service import Settings

runner = CliRunner()


def test_unset_limits_keep_the_services_defaults() -> None:
    assert limits(None, None, None) == {}
    assert Settings(**limits(None, None, None)) == Settings()


def test_set_limits_reach_the_settings() -> None:
    settings = Settings(**limits(100, 5, 5_000))
    assert settings.rate_limit_per_minute == 100
    assert settings.auth_failure_limit_per_minute == 5
    assert settings.max_body_bytes == 5_000


def test_the_defaults_named_in_the_help_are_the_services() -> None:
    # the help quotes the numbers for the operator; this keeps them honest
    serve = typer.main.get_group(app).commands["serve"]
    help_text = " ".join(str(getattr(param, "help", "")) for param in serve.params)
    defaults = Settings()
    for value in (
        defaults.rate_limit_per_minute,
        defaults.auth_failure_limit_per_minute,
        defaults.max_body_bytes,
    ):
        assert f"the service's, {value})" in help_text


@pytest.mark.parametrize(
    ("option", "value"),
    [("--rate-limit", "0"), ("--auth-failure-limit", "0"), ("--max-body-bytes", "10")],
)
def test_a_limit_below_its_floor_is_refused_naming_the_option(option: str, value: str) -> None:
    result = runner.invoke(app, ["serve", option, value])
    assert result.exit_code == 2
    assert option in result.output
