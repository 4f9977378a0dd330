"""The demo is dev-only: a production install leaves it out and nothing else needs it."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TOWNHALL = ROOT / "townhall"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"TOWNHALL_DEMO", "TOWNHALL_TESTING"}}
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DATABASE_URL": "sqlite://:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_production_install_passes_its_checks_without_the_demo_app():
    result = _manage("check", "--fail-level", "WARNING", TOWNHALL_TESTING="0")
    assert result.returncode == 0, result.stderr
    listed = _manage("help", "--commands", TOWNHALL_TESTING="0").stdout.split()
    assert "load_demo" not in listed
    assert "migrate" in listed


def test_demo_mode_installs_the_demo_command():
    listed = _manage("help", "--commands", TOWNHALL_TESTING="0", TOWNHALL_DEMO="1").stdout
    assert "load_demo" in listed.split()


def test_no_module_outside_the_demo_and_the_tests_imports_the_demo():
    offenders = []
    for path in TOWNHALL.rglob("*.py"):
        parts = path.relative_to(TOWNHALL).parts
        if parts[0] == "demo" or "tests" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(n == "townhall.demo" or n.startswith("townhall.demo.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
