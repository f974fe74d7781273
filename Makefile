.PHONY: demo test build bench run

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

# Klaxon scraping itself with the bundled config (see README, "Running").
run:
	swift build --product klaxon
	.build/debug/klaxon run
