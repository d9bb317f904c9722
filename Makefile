# accelbench: the two Quick-start commands and a few helpers.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PRESET ?= release

.PHONY: run test setup build bench format clean

setup:
	@scripts/setup

$(BUILD_DIR)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $(PRESET) -B $(BUILD_DIR)

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/accelbench run --default-suite --db accelbench.duckdb --report accelbench-report.html

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	scripts/run-benchmarks $(BUILD_DIR)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
