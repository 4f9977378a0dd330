"""Production refuses demo secrets: `manage.py check --deploy`, the commands and the WSGI
entry point, run as a new process with a production environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks
from django.core.exceptions import ImproperlyConfigured

from townhall.core.checks import startup_checks_enforce

ROOT = Path(__file__).resolve().parents[3]
SANDBOX_KEY, SANDBOX_SECRET = "api_test_townhall_sandbox_key", "demo-pay-webhook-secret"


def _production_env(tmp_path, **extra: str) -> dict[str, str]:
    # A clean environment, as a server would have: nothing of this test process leaks in.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DEBUG="0",
        TOWNHALL_HTTPS="1",
        SECRET_KEY="prod-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="townhall.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        TOWNHALL_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_names_the_pay_secrets_left_at_their_demo_values(tmp_path):
    env = _production_env(
        tmp_path,
        PAY_BASE_URL="https://publicapi.payments.service.gov.uk",
        PAY_API_KEY=SANDBOX_KEY,
        PAY_WEBHOOK_SECRET=SANDBOX_SECRET,
    )

    done = _manage(env, "check", "--deploy")

    assert done.returncode != 0
    assert "PAY_WEBHOOK_SECRET is still the public demo value" in done.stderr
    assert "PAY_API_KEY is still the public demo value" in done.stderr


def test_check_deploy_without_a_secret_key_names_it_with_every_other_secret_at_once(tmp_path):
    env = _production_env(tmp_path, PAY_BASE_URL="https://publicapi.payments.service.gov.uk")
    del env["SECRET_KEY"]

    done = _manage(env, "check", "--deploy")

    assert done.returncode != 0
    assert "SECRET_KEY is a public local-only key" in done.stderr
    assert "PAY_API_KEY is empty" in done.stderr and "PAY_WEBHOOK_SECRET is empty" in done.stderr


def test_check_deploy_names_empty_pay_secrets_and_notify_secrets(tmp_path):
    env = _production_env(
        tmp_path,
        PAY_BASE_URL="https://publicapi.payments.service.gov.uk",
        NOTIFY_CHANNEL="govuk_notify",
    )

    done = _manage(env, "check", "--deploy")

    assert done.returncode != 0
    for name in ("PAY_API_KEY", "PAY_WEBHOOK_SECRET", "NOTIFY_API_KEY", "NOTIFY_CALLBACK_TOKEN"):
        assert f"{name} is empty" in done.stderr


def test_a_correctly_configured_production_passes_check_deploy(tmp_path):
    env = _production_env(
        tmp_path,
        PAY_BASE_URL="https://publicapi.payments.service.gov.uk",
        PAY_API_KEY="api_live_" + secrets.token_urlsafe(30),
        PAY_WEBHOOK_SECRET=secrets.token_urlsafe(32),
    )

    done = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stderr


def test_without_pay_configured_production_asks_for_no_pay_secrets(tmp_path):
    done = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stderr


def test_the_demo_may_use_the_sandbox_secrets(tmp_path):
    env = _production_env(tmp_path, TOWNHALL_DEMO="1", PAY_BASE_URL="http://127.0.0.1:8020")

    assert _manage(env, "check").returncode == 0


def test_the_web_server_refuses_to_start_with_demo_secrets(tmp_path):
    env = _production_env(
        tmp_path,
        PAY_BASE_URL="https://publicapi.payments.service.gov.uk",
        PAY_API_KEY=SANDBOX_KEY,
        PAY_WEBHOOK_SECRET=SANDBOX_SECRET,
    )

    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode != 0
    assert "Townhall will not start" in done.stderr and "PAY_WEBHOOK_SECRET" in done.stderr


def test_commands_such_as_workers_refuse_to_start_with_demo_secrets(tmp_path):
    env = _production_env(
        tmp_path,
        PAY_BASE_URL="https://publicapi.payments.service.gov.uk",
        PAY_API_KEY=SANDBOX_KEY,
        PAY_WEBHOOK_SECRET=SANDBOX_SECRET,
    )

    clock = _manage(env, "payments_clock", "--once")  # would sweep once, then stop
    migrate = _manage(env, "migrate", "--check")

    assert clock.returncode != 0 and "PAY_API_KEY" in clock.stderr
    assert migrate.returncode != 0 and "PAY_WEBHOOK_SECRET" in migrate.stderr


# The same rules in this process -----------------------------------------------------------------


def _errors(ids: set[str] | None = None) -> list[str]:
    found = [m for m in run_checks(tags=[Tags.security]) if m.is_serious()]
    return [m.msg for m in found if ids is None or m.id in ids]


@pytest.fixture
def production(production_settings):
    return production_settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("insecure-local-only-" + "k" * 40, "is a public local-only key"),
        ("django-insecure-" + "x1y2z3" * 10, "is a public local-only key"),
        ("short-but-random-Zq81", "is too short or too simple"),
        ("a" * 60, "is too short or too simple"),
    ],
)
def test_a_public_or_weak_secret_key_is_refused_in_production(production, key, problem):
    production.SECRET_KEY = key

    assert _errors({"townhall.E101"}) == [f"SECRET_KEY {problem}."]


@pytest.mark.django_db
def test_local_runs_without_https_may_use_the_local_key(production):
    production.HTTPS = False
    production.SECRET_KEY = "insecure-local-only-" + "k" * 40

    assert _errors() == []


@pytest.mark.django_db
def test_startup_refuses_with_every_problem_named(production):
    production.PAY_BASE_URL = "https://publicapi.payments.service.gov.uk"
    production.PAY_API_KEY = production.PAY_WEBHOOK_SECRET = ""
    production.TRUSTED_PROXIES = ["the proxy"]

    with pytest.raises(ImproperlyConfigured) as refused:
        startup_checks_enforce()

    text = str(refused.value)
    assert "PAY_API_KEY is empty" in text and "PAY_WEBHOOK_SECRET is empty" in text
    assert "TRUSTED_PROXIES: 'the proxy' is not an IP address" in text
