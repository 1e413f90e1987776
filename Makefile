# rds-evidence: `make demo` shows it working, `make test` runs every test.

VENV    := .venv-moto
PYTHON  := $(abspath $(VENV))/bin/python
CARGO   ?= cargo

.PHONY: demo test lint venv clean

## demo: start the emulator, build the demo estate, collect it, print the summary.
demo: venv
	$(CARGO) build --quiet -p rds-evidence
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/demo.sh

## test: unit, fixture and emulator end-to-end tests (creates the emulator venv first).
test: venv
	RDS_EVIDENCE_PYTHON=$(PYTHON) $(CARGO) test --workspace

## lint: formatting and clippy, warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## venv: the Python environment with the moto emulator and boto3.
venv: $(VENV)/.installed

$(VENV)/.installed: tests/emulator/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/emulator/requirements.txt
	touch $@

clean:
	rm -rf $(VENV) demo-out
