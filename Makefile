# The verbs a newcomer needs. `make demo` and `make test` install everything they use.
PORT ?= 8000
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: install demo test lint check fmt assets browser worker clean

install: .venv/.synced assets

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python 3.11
	touch $@

assets: townhall/static/vendor/.built

townhall/static/vendor/.built: package.json package-lock.json frontend/build.mjs $(wildcard frontend/scss/*.scss) $(wildcard frontend/js/*.js) $(wildcard frontend/designer/*)
	npm ci --no-audit --no-fund --loglevel=error
	node frontend/build.mjs
	touch $@

browser:
	scripts/install-browser.sh

demo: install
	PORT=$(PORT) scripts/demo.sh

test: install browser
	scripts/test.sh

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# What CI checks besides the tests: lint, types, the layers contract (import-linter, configured
# in pyproject.toml), security lint (bandit), migrations, and
# Django's deployment checklist
# with production settings (a random secret key, HTTPS on, no partner configured, so no partner
# secret is asked for). It runs against an empty database: a local one after `make demo` holds
# the demo's contractors and Open311 key, which production rightly refuses.
check: lint
	.venv/bin/mypy townhall config
	.venv/bin/lint-imports --no-cache
	.venv/bin/bandit -c pyproject.toml -r townhall config -q -x '*/tests/*,*/migrations/*'
	.venv/bin/python manage.py makemigrations --check --dry-run
	DEBUG=0 TOWNHALL_HTTPS=1 SECRET_KEY="ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
		ALLOWED_HOSTS=townhall.example.gov.uk DATABASE_URL=sqlite://:memory: \
		.venv/bin/python manage.py check --deploy --fail-level WARNING

fmt: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean:
	rm -rf .venv .tools node_modules townhall/static/vendor var staticfiles
