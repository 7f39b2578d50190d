# motcua — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO        ?= go
BIN       := bin/motcua
FRONTEND  := frontend
GO_TEST_FLAGS ?= -count=1

# The fuzz targets of the parsers of untrusted input, as package:target.
FUZZ_TARGETS := ./internal/rules/vn:FuzzParseIDNumber ./internal/rules/vn:FuzzNormalizePhone \
	./internal/rules/vn:FuzzValidTaxCode ./internal/rules/vn:FuzzNormalizeLogin ./internal/rules/vn:FuzzFold \
	./internal/domain/units:FuzzReadUnitCSV ./internal/domain/accounts:FuzzImportRows ./internal/domain/accounts:FuzzSearchAgreesWithMatch \
	./internal/platform/scans:FuzzCheck ./internal/platform/scans:FuzzCheckPDF ./internal/platform/sms:FuzzReceipts
# A count, not a duration: with a duration, Go's fuzzer sometimes fails a
# target with "context deadline exceeded" when the time runs out while a
# busy worker is still answering (seen in a loaded make test).
FUZZ_SMOKE_TIME ?= 20000x
FUZZTIME ?= 5m

.PHONY: run build build-go frontend-deps frontend generate migration check-generated lint test test-go fuzz-smoke fuzz test-frontend e2e bench faults clean

## run: build the SPA and the binary, then serve on the embedded SQLite database in dev mode
run: build
	./$(BIN) serve --dev --demo-history

## build: the SPA (embedded) and the Go binary
build: frontend build-go

build-go:
	$(GO) build -o $(BIN) ./cmd/motcua

frontend-deps: $(FRONTEND)/node_modules/.package-lock.json

$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

frontend: frontend-deps
	cd $(FRONTEND) && npm run build

## generate: Ent code, graph/ent.graphql, gqlgen code, the SPA's typed operations
generate: frontend-deps
	cd ent && $(GO) run -mod=mod entc.go
	$(GO) tool gqlgen generate --config gqlgen.yml
	cd $(FRONTEND) && npm run generate

## migration: after changing ent/schema (and `make generate`), write the next migration files of both databases (NAME=what_changed); also rehashes atlas.sum after a hand-written file. Uses a throwaway SQLite file and the tests' PostgreSQL (MOTCUA_TEST_POSTGRES or a throwaway cluster)
migration:
	@test -n "$(NAME)" || { echo 'usage: make migration NAME=what_changed (lower-case letters, digits, _)'; exit 2; }
	MOTCUA_NEW_MIGRATION=$(NAME) $(GO) test -count=1 -run '^TestMigrationsMatchSchema$$' -v ./migrations/

## check-generated: fail when generated code is not what `make generate` writes
check-generated: frontend-deps
	./scripts/check-generated.sh

## lint: formatting and vet (Go), ESLint (the SPA)
lint: frontend-deps
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	cd $(FRONTEND) && npm run lint

## test: everything CI runs — lint, generated-code drift, Go tests on SQLite and PostgreSQL, each fuzz target briefly, SPA unit and browser tests
test: lint check-generated test-go fuzz-smoke test-frontend e2e

test-go:
	$(GO) test $(GO_TEST_FLAGS) ./...

## fuzz-smoke: each fuzz target for FUZZ_SMOKE_TIME (20,000 inputs); `go test` alone already runs their seed corpora
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZ_SMOKE_TIME)

## fuzz: each fuzz target for FUZZTIME (default 5m); a crasher is written to the package's testdata/fuzz/<target>/: fix it, keep the file
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; echo "fuzz $$fn in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) $$pkg; \
	done

test-frontend: frontend-deps
	cd $(FRONTEND) && npm run typecheck && npm run test:unit

e2e: build
	cd $(FRONTEND) && MOTCUA_BIN=$(CURDIR)/$(BIN) npm run test:e2e

## bench: benchmarks with their numbers (never part of make test)
bench: build-go
	./scripts/bench.sh

## faults: kill/restart and abuse runs
faults: build-go
	./scripts/faults.sh

clean:
	rm -rf bin $(FRONTEND)/dist/assets $(FRONTEND)/dist/index.html
