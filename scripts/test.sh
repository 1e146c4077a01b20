#!/usr/bin/env bash
# The project's test command: lint, format check, strict type check, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff check"; ruff check src tests benchmarks
echo "== ruff format --check"; ruff format --check src tests benchmarks
echo "== mypy (strict, src/)"; mypy
echo "== pytest"; pytest "$@"
