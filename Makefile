# The two commands of the README. Both set up whatever is missing first (idempotent).
.PHONY: run test

run:
	bash scripts/setup.sh run

test:
	bash scripts/setup.sh test
