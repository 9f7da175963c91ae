# iro — the two promises of the README are `make demo` and `make test`.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKG         := ./cmd/iro

.PHONY: build demo test lint fmt golden bench cross e2e clean

build:
	$(GO) build -o iro $(PKG)

# Opens the TUI on a demo caseload of invented children.
demo:
	$(GO) run $(PKG) demo

# The whole suite, race detector on. The tmux end-to-end tests and the
# PostgreSQL server tests run here too; without tmux or a PostgreSQL cluster
# they skip loudly (and fail when CI=true). .ci/postgres starts a local
# cluster when one is installed.
# The sync load tests (10,000 ops, 200 devices, server kills, big pulls)
# skip under -race and run in a second pass without it.
SYNC_LOAD := TestCrashWhilePulling|TestTenThousandOpsOverAFlakyLink|TestLoad200Devices|TestServerRestartMidBatch
test:
	@eval "$$(.ci/postgres env)"; \
	$(GO) test -race -count=1 -timeout 20m ./... && \
	$(GO) test -count=1 -timeout 20m -run '^($(SYNC_LOAD))$$' ./internal/syncclient/

fmt:
	gofmt -w $$(git ls-files '*.go')

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Rewrites the golden views after an intended change to a screen.
golden:
	$(GO) test ./tui/... -run 'Golden' -update

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o dist/iro-windows-amd64.exe $(PKG)
	GOOS=darwin  GOARCH=arm64 $(GO) build -o dist/iro-darwin-arm64 $(PKG)
	GOOS=linux   GOARCH=amd64 $(GO) build -o dist/iro-linux-amd64 $(PKG)

clean:
	rm -rf iro dist
