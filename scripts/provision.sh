#!/usr/bin/env bash
# The Debian packages oligoguide's tests and reports use, beyond Python 3.11 and PyPI:
#   PostgreSQL (store tests), Java 17 (Spark engine), poppler-utils (pdftotext, PDF tests),
#   Pango + HarfBuzz-subset + a font (WeasyPrint: PDF reports), Chromium (browser UI tests).
# As root with apt-get: installs what is missing. Otherwise: prints the exact command and exits 0
# (tests that need a missing system then skip, and pytest prints what was skipped and why).
# --check: only print what is missing (exit 1 if anything is).
set -euo pipefail

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpangoft2 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need_apt+=(libharfbuzz-subset0)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)

if [ ${#need_apt[@]} -eq 0 ]; then
  echo "provision: every outside system is installed"
  exit 0
fi
command_line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need_apt[*]}"
if [ "${1:-}" = "--check" ]; then
  echo "provision: missing: ${need_apt[*]}"
  echo "provision: to install: sudo bash -c '$command_line'"
  exit 1
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
else
  echo "provision: not root (or no apt-get): cannot install ${need_apt[*]}"
  echo "provision: run:  sudo bash -c '$command_line'"
  echo "provision: (or bash scripts/provision.sh as root); until then their tests skip, listed at the end"
fi
