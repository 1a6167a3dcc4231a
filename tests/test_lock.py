"""The lock files agree with pyproject.toml (issue 23): every dependency group has a lock in
locks/, each lock pins every requirement of its group to an exact version the specifier allows,
and every pinned package carries sha256 hashes. Regenerate with `bash scripts/lock.sh`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
LOCKS = ROOT / "locks"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)(.*)$")


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        for text in PROJECT["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == "oligoguide":  # `all` names the others
                found += _requirements(tuple(sorted(requirement.extras)))
            else:
                found.append(requirement)
    return found


def _pins(lock: Path) -> dict[str, tuple[str, bool]]:
    """name -> (version, hashed) of each package pinned in a lock file."""
    text = lock.read_text().replace("\\\n", " ")
    pins: dict[str, tuple[str, bool]] = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match[1])] = (match[2].split(";")[0], "--hash=sha256:" in line)
    return pins


GROUPS = {
    "all-dev.txt": ("all", "dev"),  # what `make` and .ci/run install
    "bench.txt": ("all", "dev", "bench"),
    "core.txt": (),
    **{f"{extra}.txt": (extra,) for extra in ("service", "cohort", "spark", "ask", "dev", "dicom")},
}


def test_every_dependency_group_has_a_lock() -> None:
    extras = set(PROJECT["optional-dependencies"]) - {"all"}
    locked = {extra for group in GROUPS.values() for extra in group}
    assert extras <= locked, f"no lock for {sorted(extras - locked)}: bash scripts/lock.sh"
    assert {p.name for p in LOCKS.glob("*.txt")} == set(GROUPS) | {"build.txt"}


def test_the_build_backend_is_locked_with_hashes_too() -> None:
    # `make` installs setuptools and wheel from locks/build.txt, then the project with
    # --no-build-isolation, so nothing is fetched unpinned to build it.
    pins = _pins(LOCKS / "build.txt")
    for text in PYPROJECT["build-system"]["requires"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"build.txt lacks {requirement}: bash scripts/lock.sh"
        assert pins[name][1], f"build.txt: no hashes for {name}"
        assert requirement.specifier.contains(pins[name][0], prereleases=True)


@pytest.mark.parametrize(("lock", "extras"), GROUPS.items())
def test_each_lock_pins_every_requirement_of_its_group_with_hashes(
    lock: str, extras: tuple[str, ...]
) -> None:
    pins = _pins(LOCKS / lock)
    assert pins, f"{lock} pins nothing"
    unhashed = sorted(name for name, (_, hashed) in pins.items() if not hashed)
    assert not unhashed, f"{lock}: no hashes for {unhashed}"
    for requirement in _requirements(extras):
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock} lacks {requirement}: run bash scripts/lock.sh"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, pyproject asks {requirement}: bash scripts/lock.sh"
        )


def test_the_groups_share_one_set_of_versions() -> None:
    reference = {name: version for name, (version, _) in _pins(LOCKS / "all-dev.txt").items()}
    for lock in [*GROUPS, "build.txt"]:
        for name, (version, _) in _pins(LOCKS / lock).items():
            if name in reference:
                assert version == reference[name], f"{lock}: {name} {version} != all-dev"


def test_make_installs_the_locks_without_resolving_again() -> None:
    """2026-12-06: a new fonttools release broke a clean install, because pip resolved
    weasyprint's `fonttools[woff]` requirement anew and found a version the lock does not pin.
    With --no-deps pip installs exactly the (complete) lock."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "--require-hashes" in line]
    assert installs
    assert all("--no-deps" in line for line in installs)
