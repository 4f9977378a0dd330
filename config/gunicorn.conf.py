"""The one web-server line (docs/adr/0014-server-line.md): `make demo` (scripts/demo.sh), the
production units (docs/deploy/) and the benchmarks (bench/wrk_pages.py) all start

    gunicorn -c config/gunicorn.conf.py config.wsgi:application

so workers, threads and worker class cannot drift between what is measured and what runs.
Measured on 2 cores with the task workers running: WEB_WORKERS / WEB_THREADS override the
figures only to measure others (the ADR's table) or on a host with more cores.
"""

import os

# Where to listen: demo and systemd on loopback behind a proxy; the container binds
# 0.0.0.0 with --bind on its command line (a command-line option wins over this file).
bind = os.environ.get("WEB_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Threads, not more processes: a request mostly waits on PostgreSQL and Redis, and one Python
# process per core leaves the cores to the task workers that share them (ADR 0014).
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# A slow client on keep-alive holds a thread: let go of idle connections soon.
keepalive = 5
# A worker restarted after this many requests (spread by the jitter) gives back any memory
# a rare huge page made it keep, without all restarting at once. Not fewer: a worker serves
# 1,000-1,300 kept pages a second, so the 20,000 this was restarted a worker every 15-20 s
# under load, and for the 2-3 s a new one takes to load Django every connection it held
# waited or went to the other worker (measured: 32 of 32 keep-alive connections on one
# worker, a third of the throughput; ADR 0014).
max_requests = 1_000_000
max_requests_jitter = 100_000
timeout = 30
graceful_timeout = 20
# One access line a request on standard output (supervisord and journald keep it).
accesslog = "-"
