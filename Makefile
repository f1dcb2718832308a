# make run   – install (first time), migrate, create demo accounts, serve on http://127.0.0.1:5000
# make test  – the test suite on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set)
# make bench – benchmarks: figures, not pass/fail

PYTHON ?= python3
VENV   ?= .venv
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test lint format bench bench-hr translations fonts clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test,dev]"
	@touch $@

# An editable install compiles none of the app's own modules. Where Python may not write
# them at import (PYTHONDONTWRITEBYTECODE, as on the development machine and in many
# container images, or a read-only checkout) every worker start compiled all of them again,
# about 0.1 s of CPU; compileall writes them here and skips those that are current.
install: $(VENV)/.installed
	@$(VENV)/bin/python -m compileall -q platform

run: install
	$(FLASK) db upgrade
	$(FLASK) users demo --yes
	$(FLASK) people demo
	-$(FLASK) courses check
	@echo "Serving on http://$(HOST):$(PORT) – stop with Ctrl+C"
	$(FLASK) run --host $(HOST) --port $(PORT) --reload --no-debugger

test: install
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check platform tests bench app.py
	$(VENV)/bin/ruff format --check platform tests bench app.py

format: install
	$(VENV)/bin/ruff format platform tests bench app.py
	$(VENV)/bin/ruff check --fix platform tests bench app.py

# BENCH_ARGS="--quick" for about a minute; BENCH_DATABASE_URL=postgresql+psycopg://…/bench adds
# PostgreSQL (its public schema is dropped and re-created).
bench: install
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

# HR figures and exports at 50,000 people (SQLite; BENCH_ARGS="--database-url … --reset" for PostgreSQL)
bench-hr: install
	$(VENV)/bin/python bench/hr.py $(BENCH_ARGS)

# Re-extract UI strings and compile the catalogs after changing texts.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file --project academy \
		-o platform/academy/translations/messages.pot platform/academy
	$(VENV)/bin/pybabel update -i platform/academy/translations/messages.pot -d platform/academy/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d platform/academy/translations

# Re-make the Latin subsets of DejaVu Sans that certificates are drawn with, after
# changing LATIN_RANGES in platform/academy/certificates/pdf_fonts.py.
fonts: install
	$(VENV)/bin/python -m academy.certificates.pdf_fonts

clean:
	rm -rf $(VENV) .pytest_cache
