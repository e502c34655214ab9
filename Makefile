# The two commands of the README: `make demo` and `make test`. Both set up .venv first,
# installing the exact versions of constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLES := terraform-examples

.PHONY: install demo test lint policy-test bench bench-terraform bench-history clean

$(BIN)/auditor: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

install: $(BIN)/auditor

# Scan every shipped example stack. --fail-on none: the insecure stacks fail on purpose.
demo: install
	$(BIN)/auditor scan $(foreach d,$(sort $(dir $(wildcard $(EXAMPLES)/*/*/main.tf))),--terraform $(d)) --fail-on none \
	  || test $$? -eq 3  # 3: results not evaluated (README, exit codes); shown, not a make failure

lint: install
	$(BIN)/ruff check auditor tests bench
	$(BIN)/ruff format --check auditor tests bench

policy-test: install
	$(BIN)/auditor policy test

test: install lint policy-test
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench.bench_evaluate

bench-terraform: install
	$(BIN)/python -m bench.bench_terraform

# History store: record/compare 10,000-result runs (PostgreSQL too with --postgres URL).
bench-history: install
	$(BIN)/python -m bench.bench_history

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache bench/.work
