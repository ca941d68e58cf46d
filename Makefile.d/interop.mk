# Lint, TypeScript interop, other validators, overlay interop, breaking-change gate and reference page for openapi.yaml.
# Included by the main Makefile; every recipe runs from the repository root. Node tooling is
# pinned in interop/*/package-lock.json, oasdiff in tools/oasdiff/go.mod. interop/ci.sh runs
# all of it (plus the installs a fresh machine needs) for CI.

.PHONY: lint interop validators overlays breaking docs docs-test

lint: ## Lint openapi.yaml with Spectral (spectral:oas) and Redocly (recommended); fails on any error or warning
	interop/lint/lint.sh

interop: ## Generate TypeScript from openapi.yaml (openapi-typescript, @hey-api/openapi-ts) and compile it with tsc --strict
	interop/typescript/check.sh

validators: ## Run openapi-backend (Ajv) and Prism over the recordings; fail on a verdict that differs from the manifest's unless listed in interop/validators/differences.json
	interop/validators/check.sh

overlays: ## Apply the custom-field overlays with openapi-overlays-js and require Go's result; lint them as Overlay 1.0 and the merged kit document (UPDATE=1 rewrites interop/overlays/testdata/*.expected.json)
	interop/overlays/check.sh $(if $(UPDATE),--update)

breaking: ## Fail on breaking changes vs BASE=<ref> (default: latest v* tag, else merge base with main, else HEAD~1) unless released as a new major in CHANGELOG.md
	go run ./cmd/breaking $(if $(BASE),-base '$(BASE)')

docs: ## Build the self-contained reference page docs/index.html (Redocly build-docs)
	interop/docs/build.sh

docs-test: ## Open docs/index.html in headless Chromium, check that both operations and every request field render, save docs/screenshot.png
	interop/docs/test.sh
