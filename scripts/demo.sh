#!/usr/bin/env bash
# Migrate, load the demo council, then run everything under supervisord (the `supervisor`
# package, in .venv) in the foreground: the web server, two task workers, the workflow clock,
# the outbox worker, the fake contractor, the GOV.UK Pay sandbox, the payments clock and the permits clock.
# supervisord restarts whichever dies (with backoff when it keeps dying at start) and never
# stops the web server because another program died. Ctrl-C stops them all.
# Config: var/supervisord.conf (written here on each run); logs: var/log/<program>.log;
# `.venv/bin/supervisorctl -c var/supervisord.conf status` lists what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export TOWNHALL_DEMO=1
export DEBUG="${DEBUG:-0}"
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"  # links in emails point at this server
FAKE_CONTRACTOR_PORT="${FAKE_CONTRACTOR_PORT:-8010}"
PAY_SANDBOX_PORT="${PAY_SANDBOX_PORT:-8020}"
FAKE_COUNTY_PORT="${FAKE_COUNTY_PORT:-8030}"
export FAKE_COUNTY_URL="${FAKE_COUNTY_URL:-http://127.0.0.1:${FAKE_COUNTY_PORT}}"
# The demo county's Open311 API key, held as a secret the pothole service's hand_on names
# (KENT_OPEN311_API_KEY), never in its service file.
export KENT_OPEN311_API_KEY="${KENT_OPEN311_API_KEY:-demo-county-key}"
export FAKE_CONTRACTOR_URL="${FAKE_CONTRACTOR_URL:-http://127.0.0.1:${FAKE_CONTRACTOR_PORT}}"
export PAY_BASE_URL="${PAY_BASE_URL:-http://127.0.0.1:${PAY_SANDBOX_PORT}}"
PY="$ROOT/.venv/bin/python"
mkdir -p var/log
$PY manage.py migrate --no-input
$PY manage.py collectstatic --no-input -v 0
$PY manage.py load_demo

# Every program: restarted whenever it exits; one that dies within `startsecs` of starting is
# retried with a growing pause (1 s, 2 s, 3 s...), up to `startretries` times.
common="directory=$ROOT
autostart=true
autorestart=true
startsecs=3
startretries=30
stopsignal=TERM
stopwaitsecs=15
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=2"

cat > var/supervisord.conf <<CONF
; Written by scripts/demo.sh on each run: edit that, not this.
[supervisord]
nodaemon=true
directory=$ROOT
logfile=$ROOT/var/log/supervisord.log
pidfile=$ROOT/var/supervisord.pid
childlogdir=$ROOT/var/log
loglevel=info

[unix_http_server]
file=$ROOT/var/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$ROOT/var/supervisor.sock

[program:web]
; Workers, threads and worker class: config/gunicorn.conf.py, the one line production and
; the benchmarks (bench/wrk_pages.py) also run (docs/adr/0014-server-line.md).
command=$ROOT/.venv/bin/gunicorn -c $ROOT/config/gunicorn.conf.py config.wsgi:application --bind 127.0.0.1:${PORT}
stdout_logfile=$ROOT/var/log/web.log
priority=100
$common

; Background tasks (notifications, opening Open311 cases, process steps, timer sweeps): one
; worker per core. task_worker is db_worker that outlives database outages and reclaims the
; tasks of a worker that died.
[program:worker]
command=$PY manage.py task_worker --queue-name=* --no-reload
process_name=%(program_name)s-%(process_num)d
numprocs=2
stdout_logfile=$ROOT/var/log/worker-%(process_num)d.log
priority=200
$common

; Queues two timer sweeps every 15 s, one per worker (escalations, SLA timers), and goes over
; accepted requests never opened every 2 minutes.
[program:workflow_clock]
command=$PY manage.py workflow_clock --every 15 --sweeps 2
stdout_logfile=$ROOT/var/log/workflow_clock.log
priority=300
$common

; Delivers the outbox (contractor jobs) with retries, to the local fake contractor, which
; works each job over a minute and posts signed updates back (every 5th job: "not ours").
[program:outbox_worker]
command=$PY manage.py outbox_worker --threads 8
stdout_logfile=$ROOT/var/log/outbox_worker.log
priority=300
$common

[program:fake_contractor]
command=$PY scripts/fake_contractor.py --port ${FAKE_CONTRACTOR_PORT} --townhall ${SITE_URL} --auto 60 --reject-every 5
stdout_logfile=$ROOT/var/log/fake_contractor.log
priority=50
$common

; The county's Open311 endpoint: potholes are handed on to it (issue 17 point 3); it answers
; with its own reference.
[program:fake_county]
command=$PY scripts/fake_county.py --port ${FAKE_COUNTY_PORT} --api-key %(ENV_KENT_OPEN311_API_KEY)s
stdout_logfile=$ROOT/var/log/fake_county.log
priority=50
$common

; The GOV.UK Pay sandbox (test cards only) and the payments sweep (lost webhooks, expiry).
[program:pay_sandbox]
command=$PY scripts/pay_sandbox.py --port ${PAY_SANDBOX_PORT} --webhook-url ${SITE_URL}/api/pay/webhook --state $ROOT/var/pay_sandbox.json
stdout_logfile=$ROOT/var/log/pay_sandbox.log
priority=50
$common

[program:payments_clock]
command=$PY manage.py payments_clock --every 60
stdout_logfile=$ROOT/var/log/payments_clock.log
priority=300
$common

[program:permits_clock]
command=$PY manage.py permits_clock --every 3600
stdout_logfile=$ROOT/var/log/permits_clock.log
priority=300
$common
CONF

echo "Townhall is at http://127.0.0.1:${PORT}/  (staff desk: /staff/, readiness: /readyz)"
echo "Logs in var/log/; Ctrl-C stops everything."
exec "$ROOT/.venv/bin/supervisord" -n -c var/supervisord.conf
