# cerb-openapi. `make help` lists the targets.
.DEFAULT_GOAL := help
GO ?= go

.PHONY: help check test generate generate-check vet bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

check: ## The main job: check the bundled recordings against the spec and print the report
	$(GO) run ./cmd/cerbcontract check --expect contract_test/testdata/manifest.json

test: ## Run every test (vet, unit, contract, examples, fuzz seeds, benchmark smoke runs)
	$(GO) mod download
	$(GO) vet -tags live ./...
	$(GO) test -count=1 ./...
	# Benchmarks run once each as a smoke test; the CLI benchmark on a small generated corpus.
	CERB_BENCH_PAIRS=300 $(GO) test -count=1 -run '^$$' -bench . -benchtime=1x ./...

generate: ## Regenerate api/cerb.gen.go from openapi.yaml
	$(GO) generate ./

generate-check: generate ## Fail if the generated code or go.mod is stale
	$(GO) mod tidy
	@git diff --exit-code -- api/ go.mod go.sum || { echo "generated code or go.mod is stale: run make generate and go mod tidy, then commit"; exit 1; }

.PHONY: live
live: ## The live suite against a real Cerb: starts ../shared/cerb-server (and stops it), or uses CERB_BASE_URL/CERB_TOKEN
	GO=$(GO) scripts/live.sh

bench: ## Benchmarks with real numbers: per pair on one core (with libopenapi-validator), whole corpus on 1 and all cores
	cd bench/libopenapi && $(GO) test -run '^$$' -bench . -benchmem -count 5 -cpu 1 .
	$(GO) test -run '^$$' -bench Corpus -count 4 -cpu 1,$$(nproc) ./bench/

# Lint, TypeScript interop, breaking-change gate and docs live in their own fragment.
-include Makefile.d/*.mk
