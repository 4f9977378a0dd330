#!/usr/bin/env bash
# Migrate, load the demo council, then run the web server, the background worker, the
# workflow clock, the outbox worker, the fake contractor, the GOV.UK Pay sandbox and the
# payments sweep together. Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
export TOWNHALL_DEMO=1
export DEBUG="${DEBUG:-0}"
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"  # links in emails point at this server
export FAKE_CONTRACTOR_URL="${FAKE_CONTRACTOR_URL:-http://127.0.0.1:${FAKE_CONTRACTOR_PORT:-8010}}"
export PAY_BASE_URL="${PAY_BASE_URL:-http://127.0.0.1:${PAY_SANDBOX_PORT:-8020}}"
PY=.venv/bin/python
mkdir -p var
$PY manage.py migrate --no-input
$PY manage.py collectstatic --no-input -v 0
$PY manage.py load_demo
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup INT TERM EXIT
# Two background workers (notifications, process steps, timer sweeps): one per core.
for n in 1 2; do
  $PY manage.py db_worker --queue-name '*' --worker-id "demo-worker-$n" &
  pids+=($!)
done
# Queues two timer sweeps every 15 s, one for each worker (escalations, SLA timers); they
# share a backlog of due timers without firing one twice (SKIP LOCKED).
$PY manage.py workflow_clock --every 15 --sweeps 2 &
pids+=($!)
# Delivers the outbox (contractor jobs) with retries, to the local fake contractor, which
# works each job over a minute and posts signed updates back (every 5th job: "not ours").
$PY manage.py outbox_worker --threads 8 &
pids+=($!)
$PY scripts/fake_contractor.py --port "${FAKE_CONTRACTOR_PORT:-8010}" --townhall "$SITE_URL" \
  --auto 60 --reject-every 5 &
pids+=($!)
# The GOV.UK Pay sandbox (test cards only) and the payments sweep (lost webhooks, expiry).
$PY scripts/pay_sandbox.py --port "${PAY_SANDBOX_PORT:-8020}" --webhook-url "$SITE_URL/api/pay/webhook" \
  --state var/pay_sandbox.json &
pids+=($!)
$PY manage.py payments_clock --every 60 &
pids+=($!)
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:${PORT}" --workers 3 --threads 4 \
  --access-logfile - &
pids+=($!)
echo "Townhall is at http://127.0.0.1:${PORT}/  (staff desk: /staff/)  Ctrl-C stops it."
wait -n "${pids[@]}"
