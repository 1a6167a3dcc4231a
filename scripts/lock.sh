#!/usr/bin/env bash
# Regenerate the lock files in locks/ from pyproject.toml: exact versions and sha256 hashes of every
# package, for Python 3.11 on any platform (uv's universal resolution).
#   bash scripts/lock.sh            keep the locked versions where pyproject still allows them
#   bash scripts/lock.sh --upgrade  move every package to its newest allowed release
# locks/all-dev.txt is what `make` and .ci/run install (pip --require-hashes); the others are one
# per optional dependency group (core alone, core + that extra), pinned to the same versions.
# tests/test_lock.py fails when pyproject.toml and the locks disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
TOOLS=.tools
if ! "$TOOLS/bin/uv" --version 2>/dev/null | grep -q "$UV_VERSION"; then
  python3.11 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
compile() {  # compile OUTPUT [uv options...]
  local out=$1
  shift
  "$TOOLS/bin/uv" pip compile pyproject.toml --quiet --generate-hashes --universal \
    --python-version 3.11 --no-header --annotation-style line "${upgrade[@]}" -o "$out" "$@"
}
compile locks/all-dev.txt --extra all --extra dev
compile locks/bench.txt --extra all --extra dev --extra bench --constraint locks/all-dev.txt
compile locks/core.txt --constraint locks/all-dev.txt
for extra in service cohort spark ask dev dicom; do
  compile "locks/$extra.txt" --extra "$extra" --constraint locks/all-dev.txt
done
# The build backend (pyproject's build-system requires, listed in locks/build.in): make installs
# it from here and builds the project without build isolation, so nothing is fetched unpinned.
"$TOOLS/bin/uv" pip compile locks/build.in --quiet --generate-hashes --universal \
  --python-version 3.11 --no-header --annotation-style line "${upgrade[@]}" \
  --constraint locks/all-dev.txt -o locks/build.txt
echo "locks/ updated; commit them with the pyproject.toml change"
