# tusk — developer targets. `make test` is the command CI runs.

GO ?= go
SHELL := bash
.SHELLFLAGS := -o pipefail -c

# staticcheck v0.8.2 is release 2026.2.2, which supports Go 1.26.
STATICCHECK_VERSION ?= v0.8.2

# Packages with benchmarks; `make bench` runs them on one core for BENCHTIME each
# (the issues' targets are per core) and prints one summary table.
BENCH_PKGS ?= ./encoding/... ./internal/blake2bx ./chain ./indexer ./coordinator ./coordinator/store ./node
BENCHTIME ?= 1s

# Fuzz targets as package:FuzzFunc, e.g. ./encoding:FuzzDecode; each runs
# for FUZZTIME.
FUZZ_TARGETS ?= ./encoding:FuzzMetadataBCS ./encoding:FuzzSliverBCS ./encoding:FuzzRecoverySymbolsBCS ./encoding:FuzzInconsistencyProofBCS ./encoding:FuzzDecode ./encoding/quilt:FuzzDecode ./internal/bcs:FuzzUnmarshal ./encoding/merkle:FuzzProofBCS ./internal/blake2bx:FuzzSum256x4 ./chain/walrus:FuzzDecodeEvent ./chain/walrus:FuzzDecodeObject ./chain/messages:FuzzParseConfirmation ./chain/messages:FuzzCertificateBCS ./chain/keys:FuzzParseSuiPrivateKey ./chain/sui:FuzzDecodeTransaction ./chain/sui:FuzzParseTypeTag ./chain/sui:FuzzDecodeEffects ./chain/sui:FuzzDecodeObject ./chain/sui:FuzzDecodeCheckpoint ./chain/devnet/exec:FuzzExecute ./node/api:FuzzParseQueries ./node/rest:FuzzDecodeRequest ./indexer/cursor:FuzzDecode ./indexer/feed:FuzzParseStart ./indexer/api:FuzzListParams ./coordinator/httpapi:FuzzParseRange ./coordinator/httpapi:FuzzPublisherQuery ./coordinator/httpapi:FuzzReadQueries ./coordinator/httpapi:FuzzJWT
FUZZTIME ?= 30s

.PHONY: all build test e2e bench lint fuzz clean

all: build

build:
	$(GO) build -o bin/tusk ./cmd/tusk

test:
	$(GO) test -count=1 -timeout 15m ./...

# The end-to-end fault suite alone (make test runs it too): real processes killed with
# SIGKILL, bad input at every interface.
e2e:
	$(GO) test -count=1 -timeout 10m -v ./e2e

bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -cpu 1 -timeout 60m $(BENCH_PKGS) | tee bench.out | $(GO) run ./internal/tools/benchtable

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

fuzz:
	@if [ -z "$(strip $(FUZZ_TARGETS))" ]; then echo "fuzz: no targets yet (set FUZZ_TARGETS=pkg:FuzzName ...)"; fi
	@GO=$(GO) FUZZTIME=$(FUZZTIME) bash .ci/fuzz $(FUZZ_TARGETS)

clean:
	rm -rf bin
