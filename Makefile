# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint lock migrate demo messages browser nginx worker clean-db

# Dependencies come from the hashed lock files (requirements/*.lock, made by `make lock` from
# pyproject.toml's ranges); the project itself is installed without dependencies on top.
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Compiled message catalogues are build output: made from locale/*/LC_MESSAGES/django.po.
messages: $(STAMP)
	cd . && $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

migrate: install messages
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Cổng Dịch vụ công: http://$(HOST)/"
	$(BIN)/python manage.py runserver $(HOST)

# Debian's chromium for the browser tests (Playwright drives it; no browser is downloaded).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Regenerates requirements/base.lock (the image) and requirements/dev.lock (make install, CI)
# from pyproject.toml, with every file's hash. Pins that still satisfy the ranges are kept:
# after adding a dependency to pyproject.toml, `make lock` adds it and what it needs, nothing
# else moves. `make lock LOCK_ARGS=--upgrade` moves every pin to the newest allowed release.
# Resolved against the package index alone (no machine-local wheel folders or constraints),
# so the lock installs the same anywhere. dev.lock is constrained by base.lock: the image and
# the tests run the same versions.
PIP_COMPILE = env -u PIP_FIND_LINKS -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4,<8"
	$(PIP_COMPILE) --output-file requirements/base.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements/base.lock \
	  --output-file requirements/dev.lock pyproject.toml

# Debian's nginx, for tests/deploy/test_nginx.py (nginx -t on the rendered template).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; fi; }

lint: install
	$(BIN)/ruff check .

test: install messages browser nginx lint
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

worker: install
	$(BIN)/celery -A portal worker -l info

clean-db:
	rm -f db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm
