#!/usr/bin/env bash
# Security checks for CI: static analysis of our code (bandit) and known vulnerabilities of every
# installed package (pip-audit against PyPI's vulnerability data).
#
#   bash scripts/security_checks.sh           # both
#   bash scripts/security_checks.sh bandit    # only bandit (no network)
#   bash scripts/security_checks.sh audit     # only pip-audit (needs PyPI's JSON API)
#
# pip-audit runs with --strict: a package it could not look up (service unreachable, or the
# version unknown to the service) is a failure, never a silent pass. Exit status: non-zero on
# any finding or any check that could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
what=${1:-all}

run_bandit() {
  echo "== bandit (skips and their reasons: [tool.bandit] in pyproject.toml)"
  "$BIN/bandit" -q -c pyproject.toml -r src
  echo "bandit: clean"
}

run_audit() {
  echo "== pip-audit (installed environment, PyPI vulnerability service, strict)"
  local report
  report=$(mktemp)
  trap 'rm -f "$report"' RETURN
  # --skip-editable: oligoguide itself is not on PyPI. Everything else must be audited.
  if ! "$BIN/pip-audit" --strict --skip-editable --progress-spinner off \
      --vulnerability-service pypi --format json --output "$report"; then
    echo "pip-audit: FAILED (a vulnerability was found, or the service could not be reached" \
         "or did not know a package: see the messages above)" >&2
    return 1
  fi
  "$BIN/python" - "$report" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
deps = data.get("dependencies", [])
skipped = [d["name"] for d in deps if d.get("skip_reason")]
vulnerable = [d["name"] for d in deps if d.get("vulns")]
if not deps or skipped or vulnerable:
    sys.exit(f"pip-audit: audited {len(deps)}, skipped {skipped}, vulnerable {vulnerable}")
print(f"pip-audit: clean ({len(deps)} packages audited)")
PY
}

case "$what" in
  bandit) run_bandit ;;
  audit) run_audit ;;
  all) run_bandit; run_audit ;;
  *) echo "usage: $0 [all|bandit|audit]" >&2; exit 2 ;;
esac
