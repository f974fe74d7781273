.PHONY: demo test build bench

# The main job (see README).
demo:
	./scripts/demo.sh

# Every test, with the conformance totals.
test:
	./scripts/test.sh

build:
	./scripts/setup.sh
	swift build

bench:
	./scripts/bench.sh
