# rds-evidence: `make demo` shows it working, `make test` runs every test.

VENV    := .venv-moto
PYTHON  := $(abspath $(VENV))/bin/python
CARGO   ?= cargo

.PHONY: demo test lint fixtures venv clean

## demo: collect the recorded demo account (fixtures/demo): no AWS, no network, no Python.
## Exit 4 means written with unknowns: the recording keeps what the emulator could not answer.
demo:
	$(CARGO) run --quiet -p rds-evidence -- collect --replay fixtures/demo --out demo-out \
		|| [ $$? -eq 4 ]

## fixtures: re-record fixtures/demo and fixtures/large from emulator estates.
fixtures: venv
	$(CARGO) build --quiet -p rds-evidence
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/record-fixture.sh fixtures/demo build_estate.py us-east-1,eu-west-1
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/record-fixture.sh fixtures/large build_fleet.py us-east-1,eu-west-1 --instances 300

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
