# The README's two commands: `make release` builds the release, `make test` runs the tests.
# Both create or refresh .venv from the pinned requirements first; `make test` also builds the
# release, which the tests of the bundled data read, and the S3 test server's environment.

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: setup release test lock

S3SERVER_VENV := .venv-s3server

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# The S3-compatible server the remote tests start (moto), in an environment of its own: its
# botocore must not meet the one the DVC S3 plugin pins. It is never a dependency of the package.
$(S3SERVER_VENV)/.installed: requirements-s3server.lock
	$(PYTHON) -m venv $(S3SERVER_VENV)
	$(S3SERVER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-s3server.lock
	touch $@

release: setup
	dvc repro

test: release $(S3SERVER_VENV)/.installed
	python -m pytest

# Re-pin every dependency from pyproject.toml (run by hand when a dependency should change).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check "setuptools==80.9.0" -e ".[dev]"
	( echo "# Every dependency of the pipeline and the tests, pinned. Made by 'make lock' from pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable --disable-pip-version-check | grep -v '^pip==' ) > requirements.lock
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check "moto[server]"
	( echo "# The S3-compatible test server's environment (.venv-s3server), pinned. Made by 'make lock'."; \
	  .lock-venv/bin/python -m pip freeze --disable-pip-version-check ) > requirements-s3server.lock
	rm -rf .lock-venv
