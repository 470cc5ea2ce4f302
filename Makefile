# dlrs — common tasks. `make help` lists them.
SHELL := /bin/bash
NODE_TS := node --import tsx --no-warnings=ExperimentalWarning
MOCHA := npx mocha
SPECS := 'shared/**/*.spec.ts' 'services/**/*.spec.ts' 'test/**/*.test.ts'
DATA ?= synthetic:small
MOVIELENS ?= ../shared/data/movielens/ml-latest-small

.PHONY: help install gen gen-check typecheck lint unit test build demo image image-gpu render clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

install: ## Install the pinned dependencies.
	npm ci --no-audit --no-fund

gen: ## Regenerate shared/generated from proto/.
	node scripts/gen-types.mjs

gen-check: ## Fail when shared/generated is stale.
	node scripts/gen-types.mjs --check

typecheck: ## TypeScript, strict.
	npx tsc --noEmit -p tsconfig.json

lint: ## ESLint (floating promises, type-only imports, no any).
	npx eslint .

unit: ## The mocha suites only.
	$(MOCHA) $(SPECS)

test: gen-check typecheck lint unit ## Everything CI runs.

build: ## Compile to dist/ (used by the container image).
	npx tsc -p tsconfig.build.json

demo: ## Train on $(DATA), start the services, show recommendations.
	./bin/dlrs.js demo --data $(DATA)

image: ## Build the CPU container image (needs a Docker engine).
	docker build -f deploy/docker/Dockerfile -t dlrs:$(shell node -p 'require("./package.json").version') .

image-gpu: ## Build the CUDA 12 container image (needs a Docker engine).
	docker build -f deploy/docker/Dockerfile.gpu -t dlrs:$(shell node -p 'require("./package.json").version')-gpu .

OVERLAY ?= cpu
render: ## Render a Kubernetes overlay (OVERLAY=cpu|gpu|dev) with kubectl kustomize.
	kubectl kustomize deploy/k8s/overlays/$(OVERLAY)

clean: ## Remove build output and reports.
	rm -rf dist reports
