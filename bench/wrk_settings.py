"""Townhall's settings plus one plain page, for bench/wrk_pages.py only.

`/bench/plain` is the yardstick of issue 18: a small Django template page that goes through
every middleware (sessions, authentication, CSRF: it puts a token in a form) and queries
nothing. Public pages must never be slower than it.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.wrk_urls"
