# rds-evidence: `make demo` shows it working, `make test` runs every test.

VENV    := .venv-moto
PYTHON  := $(abspath $(VENV))/bin/python
CARGO   ?= cargo

.PHONY: demo report-screenshot test lint fixtures demo-fixture docs-example venv browser faketime \
	clean bench fuzz fuzz-smoke

## demo: the demo account (fixtures/demo, synthetic, recorded in AWS's wire formats) and the
## partner's attestations into the evidence bundle demo-out/: no AWS, no network, no Python.
demo:
	$(CARGO) run --quiet -p rds-evidence -- collect --replay fixtures/demo \
		--attestations fixtures/demo/attestations.toml --out demo-out

## report-screenshot: a full-page PNG of demo-out/report.html (needs chromium), for review.
report-screenshot: demo browser
	scripts/report-screenshot.sh demo-out demo-out-report.png

## demo-fixture: re-record fixtures/demo from the synthetic account in tests/demo-account
## (after the collector learns an operation: add its handler there first), and
## fixtures/demo-snapshot.json from it.
demo-fixture: venv faketime
	$(CARGO) build --quiet -p rds-evidence
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/demo-account/record.sh

## docs-example: docs/example/, the demo's bundle as a visitor sees it (report, spreadsheet,
## diagrams) and the top of the report as a PNG for the README; a test keeps the bundle's
## files current.
docs-example: browser
	rm -rf .example && $(CARGO) run --quiet -p rds-evidence -- collect --replay fixtures/demo \
		--attestations fixtures/demo/attestations.toml --out .example >/dev/null
	rm -rf docs/example && mkdir -p docs/example
	cp -R .example/report.html .example/report.md .example/self-assessment.xlsx \
		.example/diagrams docs/example/
	scripts/report-screenshot.sh .example docs/example/report.png 1280 1500
	rm -rf .example

## fixtures: re-record fixtures/emulator-demo and fixtures/large from emulator estates, the
## demo account, and docs/example from it.
fixtures: venv demo-fixture
	$(CARGO) build --quiet -p rds-evidence
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/record-fixture.sh fixtures/emulator-demo build_estate.py us-east-1,eu-west-1
	RDS_EVIDENCE_PYTHON=$(PYTHON) tests/emulator/record-fixture.sh fixtures/large build_fleet.py us-east-1,eu-west-1 --instances 300
	rm -rf .demo-snapshot && $(CARGO) run --quiet -p rds-evidence -- collect --replay fixtures/emulator-demo \
		--no-evaluate --out .demo-snapshot || [ $$? -eq 4 ]
	cp .demo-snapshot/snapshot.json fixtures/emulator-demo-snapshot.json && rm -rf .demo-snapshot
	$(MAKE) docs-example

## test: unit, fixture, browser and emulator end-to-end tests (creates the emulator venv and
## installs Debian's chromium first when missing).
test: venv browser
	RDS_EVIDENCE_PYTHON=$(PYTHON) $(CARGO) test --workspace

## lint: formatting and clippy, warnings as errors; the GitHub workflows with actionlint (and
## shellcheck on their scripts, when it is installed).
lint: venv
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(VENV)/bin/actionlint .github/workflows/*.yml

## bench: the release binary against emulated fleets of SIZES DB instances (default
## 50,500,2000) and against their replays: time, CPU, peak RSS, requests against the floor.
## Prints a table and writes target/bench/results.json (see docs/PERFORMANCE.md).
bench: venv
	$(CARGO) build --release -p rds-evidence
	$(PYTHON) scripts/bench.py --binary $(or $(CARGO_TARGET_DIR),target)/release/rds-evidence \
		--max-attempts 1 $(if $(SIZES),--sizes $(SIZES))

## fuzz-smoke: every fuzz target in fuzz/ (cargo-fuzz, nightly) for FUZZ_SECONDS each (default
## 30) from the checked-in corpus fuzz/corpus/<target>; fails on any crash, hang (10 s per
## input) or runaway memory (2 GB), leaving the input in fuzz/artifacts/<target>/. Installs
## cargo-fuzz when missing. Builds under $(CARGO_TARGET_DIR)/fuzz when that is set. See
## docs/FUZZING.md.
fuzz-smoke:
	$(FUZZ_SETUP)
	$(FUZZ) build $(FUZZ_BUILD_FLAGS)
	@scratch=$$($(FUZZ_SCRATCH)) && trap 'rm -rf "$$scratch"' EXIT && \
	for target in $(FUZZ_TARGETS); do \
		mkdir -p "$$scratch/$$target/tmp" "$$scratch/$$target/corpus" && \
		if RUST_BACKTRACE=0 TMPDIR="$$scratch/$$target/tmp" $(FUZZ) run $(FUZZ_BUILD_FLAGS) $$target \
			"$$scratch/$$target/corpus" "$(CURDIR)/fuzz/corpus/$$target" -- \
			$(FUZZ_LIBFUZZER_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
			>"$$scratch/$$target/log" 2>&1; then \
			echo "fuzz-smoke: $$target: $$(sed -n 's/^stat::number_of_executed_units: *//p' \
				"$$scratch/$$target/log") runs in $(FUZZ_SECONDS)s, no crash"; \
		else \
			tail -n 50 "$$scratch/$$target/log"; \
			echo "fuzz-smoke: $$target FAILED (log above); a failing input is kept in" \
				"fuzz/artifacts/$$target/, replayed by: $(FUZZ) run $(FUZZ_BUILD_FLAGS) $$target <file>"; \
			exit 1; \
		fi; \
	done

## fuzz: one target, FUZZ_TARGET (default replay_key), until interrupted, or for FUZZ_SECONDS
## when given; FUZZ_ARGS adds libFuzzer flags (e.g. -fork=2). New inputs go to
## fuzz/corpus-work/<target> (not in git): see docs/FUZZING.md for adding them to the corpus.
fuzz:
	$(FUZZ_SETUP)
	mkdir -p fuzz/corpus-work/$(FUZZ_TARGET)
	@scratch=$$($(FUZZ_SCRATCH)) && trap 'rm -rf "$$scratch"' EXIT && \
	TMPDIR="$$scratch" $(FUZZ) run $(FUZZ_BUILD_FLAGS) $(FUZZ_TARGET) \
		"$(CURDIR)/fuzz/corpus-work/$(FUZZ_TARGET)" "$(CURDIR)/fuzz/corpus/$(FUZZ_TARGET)" -- \
		$(FUZZ_LIBFUZZER_FLAGS) \
		$(if $(filter command line environment,$(origin FUZZ_SECONDS)),-max_total_time=$(FUZZ_SECONDS)) \
		$(FUZZ_ARGS)

FUZZ_SECONDS ?= 30
FUZZ_TARGET ?= replay_key
FUZZ_TARGETS := $(sort $(basename $(notdir $(wildcard fuzz/fuzz_targets/*.rs))))
FUZZ := cargo +nightly fuzz
# No sanitizer: the code under test is safe Rust, and ASan would double build and run times.
# Debug assertions and overflow checks stay on (cargo-fuzz's default).
FUZZ_BUILD_FLAGS = --sanitizer none --target-dir $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR)/fuzz,$(CURDIR)/fuzz/target)
# Scratch files (the targets whose parsers read paths write each input to one) in memory when
# /dev/shm is there: several times the runs per second of a disk-backed /tmp.
FUZZ_SCRATCH := mktemp -d -p /dev/shm 2>/dev/null || mktemp -d
FUZZ_LIBFUZZER_FLAGS := -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
define FUZZ_SETUP
@cargo +nightly --version >/dev/null 2>&1 || { echo "fuzzing needs a nightly toolchain:" \
	"rustup toolchain install nightly --profile minimal" >&2; exit 1; }
@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
endef

## venv: the Python environment of the tests and lints (tests/emulator/requirements.txt).
venv: $(VENV)/.installed

$(VENV)/.installed: tests/emulator/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/emulator/requirements.txt
	touch $@

## faketime: Debian's faketime, which records the demo account at its own clock.
faketime:
	@command -v faketime >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; }

## browser: Debian's chromium, for the report's real-browser test.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) demo-out demo-out.tar.gz demo-out-report.png
