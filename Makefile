# PRM: `make demo` runs the demo, `make test` runs every check. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
PYTHON := $(shell scripts/find-python)
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := .venv
PRM := .venv/bin/prm
PG_URL ?= postgres://postgres@127.0.0.1:5432/prm
CHROMIUM ?= /usr/bin/chromium

.PHONY: help setup system-packages demo test lint bench clean

help:
	@echo "make demo   install everything, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   install everything, run lint, checks and the suite on SQLite and PostgreSQL"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

system-packages:
	@scripts/install-system-packages

setup: $(UV) system-packages
	$(UV) sync --frozen --quiet
	npm ci --no-audit --no-fund --loglevel=error
	$(PRM) compilemessages --ignore=.venv --ignore=node_modules -v0

demo: setup
	$(PRM) demo

test: setup
	scripts/run-tests

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Benchmarks run on throwaway databases: a temporary SQLite file, then PostgreSQL's prm_bench.
bench: setup
	PRM_VAR_DIR=$$(mktemp -d) $(PRM) bench partners
	psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS prm_bench" -c "CREATE DATABASE prm_bench"
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/prm_bench $(PRM) bench partners

clean:
	rm -rf .venv $(TOOLS) node_modules var
