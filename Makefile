# Two entry points that do all their own set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-ipaexfont-mincho fonts-ipaexfont-gothic fonts-ipamj-mincho fonts-dejavu-core \
                poppler-utils qpdf zbar-tools libreoffice-writer-nogui chromium
AS_OF ?= 2026-06-01

.PHONY: demo test system venv lint clean lock

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

# Refresh requirements.lock after changing the dependencies in pyproject.toml (then run make test).
lock: venv
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --extra test --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

venv: $(STAMP)

# the demo signs its certificates with a demo key made on the fly (each signature says DEMO KEY)
demo: export CERI_KEY_PASSPHRASE = ceri-demo
demo: system venv
	$(BIN)/ceri validate examples/
	$(BIN)/ceri check examples/ --as-of $(AS_OF) || true
	$(BIN)/ceri status examples/ --as-of $(AS_OF)
	@test -f out/demo-key/signing.p12 || $(BIN)/ceri keys init --demo -o out/demo-key --records examples/
	$(BIN)/ceri pack examples/ -o out/packs --as-of $(AS_OF) --zip --sign out/demo-key/signing.p12 || true
	$(BIN)/ceri jsps-report examples/ --year 2026 -o out/jsps --as-of $(AS_OF) || true
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
