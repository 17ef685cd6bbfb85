# 老娘舅 — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean venv migration

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11：sudo apt-get install python3.11 ($(PYTHON) not found)"; exit 1; }
	PYTHON=$(PYTHON) scripts/debian-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Open the window on a demo database in the user's temporary folder (created on first run).
run: $(STAMP)
	PYTHON=$(PYTHON) scripts/debian-deps.sh run
	$(PY) -m ui --demo

# The whole test suite, exactly what CI runs.
test: $(STAMP)
	PYTHON=$(PYTHON) scripts/debian-deps.sh test
	$(VENV)/bin/ruff check app ui tests
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n auto --durations=25

lint: $(STAMP)
	$(VENV)/bin/ruff check app ui tests
	$(VENV)/bin/ruff format --check app ui tests
	$(VENV)/bin/mypy

# Benchmarks are not tests: they print figures against the budgets of the design guide.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis artifacts

# For maintainers: after changing app/db/models.py, write the migration that matches it.
#   make migration m="add mediation session place"
migration: $(STAMP)
	@test -n "$(m)" || { echo 'usage: make migration m="what changed"'; exit 1; }
	$(PY) -c "import sys, tempfile, pathlib; \
	from alembic import command; from app.db.migrate import alembic_config, upgrade; \
	from app.db.engine import make_engine; \
	p = pathlib.Path(tempfile.mkdtemp()) / 'm.db'; e = make_engine(p); upgrade(e); \
	c = alembic_config(); conn = e.connect(); c.attributes['connection'] = conn; \
	command.revision(c, message=sys.argv[1], autogenerate=True); conn.close()" "$(m)"
