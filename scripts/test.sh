#!/usr/bin/env bash
# The whole suite: unit, integration and browser tests. Uses DATABASE_URL when set.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py collectstatic --no-input -v 0
exec .venv/bin/pytest "$@"
