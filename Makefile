# The README's two commands: `make build` and `make test`. Both install what they need, idempotently.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := chromium poppler-utils libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra fonts-sil-charis

.PHONY: build test setup apt python npm lint bench clean schema docs moodle

build: setup
	$(BIN)/coursepack check --strict curriculum
	$(BIN)/coursepack build curriculum

test: setup moodle
	$(BIN)/ruff check builder tests bench
	$(BIN)/mypy builder
	$(BIN)/pytest -n 2 --dist loadgroup

# The real Moodle 4.5.6 the tests in tests/moodle judge our outputs with (PHP + PostgreSQL from Debian,
# on 127.0.0.1:8080). setup.sh is idempotent: a running site is left as it is. Without ../shared/moodle
# the Moodle tests cannot run, and that is a failure, not a skip.
MOODLE_SETUP := ../shared/moodle/setup.sh
moodle: apt
	@test -f $(MOODLE_SETUP) || { echo "make: $(MOODLE_SETUP) is missing; the Moodle tests need ../shared beside the checkout" >&2; exit 1; }
	bash $(MOODLE_SETUP)

setup: apt python npm

apt: .cache/apt.stamp
.cache/apt.stamp: Makefile
	@mkdir -p .cache
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(APT_PACKAGES); \
	fi
	@touch $@

python: $(VENV)/.stamp
$(VENV)/.stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

npm: node_modules/.stamp
node_modules/.stamp: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

lint: setup
	$(BIN)/ruff check builder tests bench
	$(BIN)/mypy builder

docs: python
	$(BIN)/mkdocs build --strict -d site

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf dist .cache $(VENV) node_modules

schema: python
	$(BIN)/python -c "from builder.source.schema import schema_text; [open(f'schema/{k}.schema.json','w').write(schema_text(k)) for k in ('competency-set','program')]"
