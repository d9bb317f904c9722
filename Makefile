# accelbench: the two Quick-start commands and a few helpers.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PRESET ?= release

.PHONY: run test test-sanitize test-sanitize-ci fuzz setup build bench format clean

setup:
	@scripts/setup

$(BUILD_DIR)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $(PRESET) -B $(BUILD_DIR)

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/accelbench run --default-suite --db accelbench.duckdb --report accelbench-report.html

# MALLOC_PERTURB_: glibc fills every allocation (and freed block) with a byte pattern, so a read
# of uninitialised heap memory gives garbage every time instead of now and then (it turned a
# 1-in-90 flake into a 10-in-10 failure: README, Reliability). No measurable cost here.
test: build
	cd $(BUILD_DIR) && MALLOC_PERTURB_=128 ctest --output-on-failure -j $(JOBS) --timeout 900

# The whole suite again with AddressSanitizer + UndefinedBehaviorSanitizer (build-sanitize/), and
# the CI-sized variant without the libtorch backend (build-sanci/, README: Reliability).
# handle_segv=0: the tests that crash a child on purpose (probes, workers) see a plain SIGSEGV.
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:handle_segv=0 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

test-sanitize: setup
	@[ -f build-sanitize/build.ninja ] || cmake --preset sanitize
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) --timeout 1800 $(SANITIZE_CTEST_ARGS)

test-sanitize-ci: setup
	@[ -f build-sanci/build.ninja ] || cmake --preset sanitize-ci
	cmake --build build-sanci -j $(JOBS)
	cd build-sanci && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) --timeout 1800 $(SANITIZE_CTEST_ARGS)

# libFuzzer targets, each run for FUZZ_SECONDS (default 30): fuzz/README.md.
fuzz: setup
	scripts/fuzz

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	scripts/run-benchmarks $(BUILD_DIR)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
