# Trellis: `make run` brings everything up with the bundled apps; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# where `make run` listens: from the environment or the command line (`make run TRELLIS_PORT=8000`)
TRELLIS_HOST ?= 127.0.0.1
TRELLIS_PORT ?= 5000

.PHONY: run test install clean browser

$(STAMP): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Trellis needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/trellis db upgrade
	$(BIN)/trellis import apps/
	$(BIN)/trellis seed-demo apps/
	@echo ""
	@echo "Open http://$(TRELLIS_HOST):$(TRELLIS_PORT)/ in a browser (Ctrl-C stops the server)."
	@echo "Sign in as admin / trellis-demo (the other demo logins are listed above and in the README)."
	$(BIN)/trellis serve --host '$(TRELLIS_HOST)' --port '$(TRELLIS_PORT)'

# Two test processes: most tests wait on PostgreSQL, Redis or a browser, so two keep both cores busy.
PYTEST_WORKERS ?= 2

test: $(STAMP) browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium (Playwright downloads no browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium and CJK fonts for the browser tests (needs root)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
