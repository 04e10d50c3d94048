# Two entry points that do all their own set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-ipaexfont-mincho fonts-ipaexfont-gothic fonts-ipamj-mincho fonts-dejavu-core \
                poppler-utils qpdf zbar-tools libreoffice-writer-nogui chromium
AS_OF ?= 2026-06-01

LOCALES := pipeline/locale
CATALOGUES := $(wildcard $(LOCALES)/*/LC_MESSAGES/*.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: demo test system venv lint clean lock messages

# Debian packages the documents and the suite need, installed as root only when missing.
system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "warning: missing Debian packages:$$missing (run as root or install them)"; fi; \
	fi

# The venv is installed from the lock file (exact versions, tested together), then ceri itself.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) $(COMPILED)

# The messages catalogues: after changing messages in the code, `make messages` extracts every _() into
# ceri.pot, merges it into each ceri.po (translate the new entries: their msgstr is empty) and compiles
# them; it does the same for click's own messages (usage errors, help headings) into click.po. `make venv`
# and an install (setup.py's build_py) compile the .mo files.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-output --no-wrap --project=ceri \
	  --copyright-holder="ceri contributors" -o $(LOCALES)/ceri.pot pipeline
	$(BIN)/pybabel update -i $(LOCALES)/ceri.pot -d $(LOCALES) -D ceri --ignore-obsolete --no-fuzzy-matching --no-wrap
	$(BIN)/pybabel extract --no-location --sort-output --no-wrap --project=click -o $(LOCALES)/click.pot \
	  $$($(BIN)/python -c 'import click, os; print(os.path.dirname(click.__file__))')
	$(BIN)/pybabel update -i $(LOCALES)/click.pot -d $(LOCALES) -D click --ignore-obsolete --no-fuzzy-matching --no-wrap
	$(BIN)/pybabel compile -d $(LOCALES) -D ceri --statistics
	$(BIN)/pybabel compile -d $(LOCALES) -D click --statistics

$(LOCALES)/%.mo: $(LOCALES)/%.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

# Refresh requirements.lock after changing the dependencies in pyproject.toml (then run make test).
lock: venv
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --extra test --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# the demo signs its certificates with a demo key made on the fly (each signature says DEMO KEY)
demo: export CERI_KEY_PASSPHRASE = ceri-demo
demo: system venv
	$(BIN)/ceri validate examples/
	$(BIN)/ceri check examples/ --as-of $(AS_OF) || true
	$(BIN)/ceri status examples/ --as-of $(AS_OF)
	@test -f out/demo-key/signing.p12 || $(BIN)/ceri keys init --demo -o out/demo-key --records examples/
	$(BIN)/ceri pack examples/ -o out/packs --as-of $(AS_OF) --zip --sign out/demo-key/signing.p12 || true
	$(BIN)/ceri jsps-report examples/ --year 2026 -o out/jsps --as-of 2027-04-05 || true  # 様式5-3 goes out in April of the next year
	$(BIN)/ceri register check
	$(BIN)/ceri register backup out/register-backup-$$(date +%Y%m%d-%H%M%S).sqlite
	@echo "Packs: out/packs/<student>/<internship>/ (pack.pdf, manifest.json, findings.json); JSPS: out/jsps/"
	@echo "Certificates are signed with the demo key out/demo-key/ (check one: pdfsig FILE, or ceri verify FILE)"
	@echo
	@echo "Done. Look in out/ (open any PDF there), and try: $(BIN)/ceri --help"
	@echo
	@echo "The desk in a browser (status board, cases, editing) on the examples:"
	@echo "  $(BIN)/ceri serve --add-user YOUR-NAME     # once: choose a password"
	@echo "  cp -r examples out/desk-records && $(BIN)/ceri serve out/desk-records --as-of $(AS_OF)"
	@echo "  then open http://127.0.0.1:8000/ and log in (docs/serve.md)"

test: system venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
	@echo "form tests again, through pypdf's fill path (the one taken when the fast path cannot be):"
	CERI_FILL_PATH=pypdf $(BIN)/python -m pytest tests/test_form_fill.py tests/test_form_evaluation.py tests/test_form_wild.py \
	  tests/test_form_attach.py
	bash .ci/wheel-check

clean:
	rm -rf $(VENV) out .pytest_cache
