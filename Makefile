# The README's two commands: `make release` builds the release, `make test` runs every test.
# Both create or refresh .venv first, installing with pip --require-hashes the standard hashed
# requirements files in requirements/ (made by `make lock` with uv pip compile): `make release`
# the pipeline's, `make test` the tests'. `make test` builds the release too, which the tests of
# the bundled data read, and the test-only environments of their own.

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
LOCKS := requirements
PIP_INSTALL = python -m pip install --quiet --disable-pip-version-check --no-input
export PATH := $(BIN):$(PATH)

.PHONY: setup release publish test test-fast lint lock

# A role's environment: the pinned installer first, then the role's hashed requirements, then the project itself.
$(VENV)/.%.installed: $(LOCKS)/bootstrap.txt $(LOCKS)/%.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP_INSTALL) --require-hashes --no-deps -r $(LOCKS)/bootstrap.txt
	$(BIN)/$(PIP_INSTALL) --require-hashes --no-deps -r $(LOCKS)/$*.txt
	$(BIN)/$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@

# Test tools whose dependencies clash with the project's get an environment of their own, from a
# hashed requirements file of their own: .venv-s3server, the S3-compatible server the remote
# tests start (moto: its botocore must not meet the one the DVC S3 plugin pins), .venv-ckan,
# CKAN's DCAT harvester, and .venv-pypiserver, the package index the install tests start;
# .venv-lock holds the resolver `make lock` runs. None is ever a dependency of the package.
TOOL_VENVS := .venv-s3server/.installed .venv-ckan/.installed .venv-pypiserver/.installed
.venv-%/.installed: $(LOCKS)/%.txt $(LOCKS)/bootstrap.txt
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/$(PIP_INSTALL) --require-hashes --no-deps -r $(LOCKS)/bootstrap.txt
	.venv-$*/bin/$(PIP_INSTALL) --require-hashes --no-deps -r $(LOCKS)/$*.txt
	touch $@

# The npm reader the client tests run (datapackage), from its own lock, without install scripts.
JS := tests/js
$(JS)/node_modules/.installed: $(JS)/package.json $(JS)/package-lock.json
	if command -v npm >/dev/null; then cd $(JS) && npm ci --no-audit --no-fund --ignore-scripts --silent && touch node_modules/.installed; \
	else echo "npm not found: the npm reader's test will skip (and fail under CI=true)"; fi

setup: $(VENV)/.pipeline.installed

release: $(VENV)/.pipeline.installed
	dvc repro

# After a release is cut: send it to every destination publish.toml names (scripts/distribute.py).
# PUBLISH_CONFIG=<file> names another settings file than the script's default.
PUBLISH_CONFIG ?=
publish: $(VENV)/.pipeline.installed
	python scripts/distribute.py $(if $(PUBLISH_CONFIG),--config $(PUBLISH_CONFIG))

# The tests' processes keep Python's bytecode caches (__pycache__, ignored by git and DVC): where
# the environment turns them off (PYTHONDONTWRITEBYTECODE), each of the suite's hundreds of
# processes would compile the package, and pytest rewrite every test module, again.
test test-fast: export PYTHONDONTWRITEBYTECODE =

# Every test, on every core (pytest-xdist): the workers share one build of the release they read.
test: release $(VENV)/.test.installed $(TOOL_VENVS) $(JS)/node_modules/.installed lint
	python -m pytest -n auto --dist loadfile

# The unit tests alone, on every core: no build, server or browser, and no sweep of the folders
# the hostile tests leave (`make test` sweeps them: see tests/conftest.py).
test-fast: $(VENV)/.test.installed
	python -m pytest -n auto -m "not system" --no-sweep

lint: $(VENV)/.test.installed
	ruff check .
	ruff format --check .

# Re-pin every dependency (run by hand when a dependency should change): uv pip compile writes
# each role's requirements file from pyproject.toml (the tests' first; every other role is held to
# the versions it pins) and each tool's from its .in file. uv keeps the versions a file pins now;
# UPGRADE=--upgrade re-resolves all, UPGRADE='--upgrade-package pandas' one.
UPGRADE ?=
COMPILE = .venv-lock/bin/uv pip compile --generate-hashes --python-version 3.11 --quiet --custom-compile-command "make lock" $(UPGRADE)
# uv writes every file anew, even one whose bytes stay the same: such a file gets its time back, so
# that make reinstalls no environment whose lock did not change.
BEFORE = .venv-lock/before
lock: .venv-lock/.installed
	rm -rf $(BEFORE) && mkdir $(BEFORE) && cp -p $(LOCKS)/*.txt $(BEFORE)/
	$(COMPILE) pyproject.toml --extra test -o $(LOCKS)/test.txt
	$(COMPILE) pyproject.toml -c $(LOCKS)/test.txt -o $(LOCKS)/loader.txt
	for role in validate pipeline portal parquet dvc; do $(COMPILE) pyproject.toml --extra $$role -c $(LOCKS)/test.txt -o $(LOCKS)/$$role.txt; done
	for tool in bootstrap lock; do $(COMPILE) $(LOCKS)/$$tool.in -o $(LOCKS)/$$tool.txt; done
	for tool in s3server ckan pypiserver; do $(COMPILE) $(LOCKS)/$$tool.in -c $(LOCKS)/bootstrap.in -o $(LOCKS)/$$tool.txt; done
	for kept in $(BEFORE)/*.txt; do ! cmp -s $$kept $(LOCKS)/$${kept##*/} || touch -r $$kept $(LOCKS)/$${kept##*/}; done
	rm -rf $(BEFORE)
