# The README's two commands: `make release` builds the release, `make test` runs every test.
# Both create or refresh .venv from requirements.lock first, installing with pip --require-hashes
# only the sections of the roles they need (scripts/lock.py): `make release` the pipeline's,
# `make test` also the portal's and the test tools. `make test` builds the release too, which the
# tests of the bundled data read, and the test-only environments of their own.

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PIP_INSTALL = python -m pip install --quiet --disable-pip-version-check --no-input
export PATH := $(BIN):$(PATH)

.PHONY: setup release test test-fast lint lock

# A role's environment: the pinned, hashed sections up to that role, then the project itself.
$(VENV)/.%.installed: requirements.lock pyproject.toml scripts/lock.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PYTHON) scripts/lock.py select bootstrap > $(VENV)/bootstrap.txt
	$(PYTHON) scripts/lock.py select $* > $(VENV)/$*.txt
	$(BIN)/$(PIP_INSTALL) --require-hashes --no-deps -r $(VENV)/bootstrap.txt
	$(BIN)/$(PIP_INSTALL) --require-hashes --no-deps -r $(VENV)/$*.txt
	$(BIN)/$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@

# Test tools whose dependencies clash with the project's get an environment of their own, from a
# hashed lock of their own (scripts/lock.py env): .venv-s3server, the S3-compatible server the
# remote tests start (moto: its botocore must not meet the one the DVC S3 plugin pins), and
# .venv-ckan, CKAN's DCAT harvester. Neither is ever a dependency of the package.
TOOL_VENVS := .venv-s3server/.installed .venv-ckan/.installed
.venv-%/.installed: requirements-%.lock requirements.lock scripts/lock.py
	$(PYTHON) -m venv .venv-$*
	$(PYTHON) scripts/lock.py select bootstrap > .venv-$*/bootstrap.txt
	.venv-$*/bin/$(PIP_INSTALL) --require-hashes --no-deps -r .venv-$*/bootstrap.txt
	.venv-$*/bin/$(PIP_INSTALL) --require-hashes --no-deps -r requirements-$*.lock
	touch $@

# The npm reader the client tests run (datapackage), from its own lock, without install scripts.
JS := tests/js
$(JS)/node_modules/.installed: $(JS)/package.json $(JS)/package-lock.json
	if command -v npm >/dev/null; then cd $(JS) && npm ci --no-audit --no-fund --ignore-scripts --silent && touch node_modules/.installed; \
	else echo "npm not found: the npm reader's test will skip (and fail under CI=true)"; fi

setup: $(VENV)/.pipeline.installed

release: $(VENV)/.pipeline.installed
	dvc repro

test: release $(VENV)/.test.installed $(TOOL_VENVS) $(JS)/node_modules/.installed lint
	python -m pytest

# The unit tests alone: no build, server or browser (seconds).
test-fast: $(VENV)/.test.installed
	python -m pytest -m "not system"

lint: $(VENV)/.test.installed
	ruff check .
	ruff format --check .

# Re-pin every dependency from pyproject.toml (run by hand when a dependency should change):
# `make lock` keeps the versions pinned now and adds what is new; LOCK_FLAGS= re-resolves all.
LOCK_FLAGS ?= --keep
lock:
	$(PYTHON) scripts/lock.py write $(LOCK_FLAGS)
	$(PYTHON) scripts/lock.py env s3server "moto[server]" $(LOCK_FLAGS)
	$(PYTHON) scripts/lock.py env ckan @tests/ckan/requirements.in $(LOCK_FLAGS)
