# rds-evidence: `make demo` shows it working, `make test` runs every test.

VENV    := .venv-moto
PYTHON  := $(abspath $(VENV))/bin/python
CARGO   ?= cargo

.PHONY: demo report-screenshot test lint fixtures venv browser clean bench

## demo: the recorded demo account (fixtures/demo) into the evidence bundle demo-out/: no AWS,
## no network, no Python. Exit 4 means written with unknowns: the recording keeps what the
## emulator could not answer.
demo:
	$(CARGO) run --quiet -p rds-evidence -- collect --replay fixtures/demo --out demo-out \
		|| [ $$? -eq 4 ]

## report-screenshot: a full-page PNG of demo-out/report.html (needs chromium), for review.
report-screenshot: demo browser
	scripts/report-screenshot.sh demo-out demo-out-report.png

## fixtures: re-record fixtures/demo and fixtures/large from emulator estates.
fixtures: venv
	$(CARGO) build --quiet -p rds-evidence
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/record-fixture.sh fixtures/demo build_estate.py us-east-1,eu-west-1
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/record-fixture.sh fixtures/large build_fleet.py us-east-1,eu-west-1 --instances 300
	rm -rf .demo-snapshot && $(CARGO) run --quiet -p rds-evidence -- collect --replay fixtures/demo \
		--no-evaluate --out .demo-snapshot || [ $$? -eq 4 ]
	cp .demo-snapshot/snapshot.json fixtures/demo-snapshot.json && rm -rf .demo-snapshot

## test: unit, fixture, browser and emulator end-to-end tests (creates the emulator venv and
## installs Debian's chromium first when missing).
test: venv browser
	RDS_EVIDENCE_PYTHON=$(PYTHON) $(CARGO) test --workspace

## lint: formatting and clippy, warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## bench: the release binary against emulated fleets of SIZES DB instances (default
## 50,500,2000) and against their replays: time, CPU, peak RSS, requests against the floor.
## Prints a table and writes target/bench/results.json (see docs/PERFORMANCE.md).
bench: venv
	$(CARGO) build --release -p rds-evidence
	$(PYTHON) scripts/bench.py --binary $(or $(CARGO_TARGET_DIR),target)/release/rds-evidence \
		--max-attempts 1 $(if $(SIZES),--sizes $(SIZES))

## venv: the Python environment with the moto emulator and boto3.
venv: $(VENV)/.installed

$(VENV)/.installed: tests/emulator/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/emulator/requirements.txt
	touch $@

## browser: Debian's chromium, for the report's real-browser test.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) demo-out demo-out.tar.gz demo-out-report.png
