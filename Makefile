# dlrs — common tasks. `make help` lists them.
SHELL := /bin/bash
NODE_TS := node --import tsx --no-warnings=ExperimentalWarning
MOCHA := npx mocha
SPECS := 'bin/**/*.spec.ts' 'shared/**/*.spec.ts' 'services/**/*.spec.ts' 'bench/**/*.spec.ts' 'test/**/*.test.ts'
DATA ?= synthetic:small
MOVIELENS ?= ../shared/data/movielens/ml-latest-small

.PHONY: help install gen gen-check typecheck lint unit test build demo eval eval-similar-items bench-trainer bench-trainer-scale bench-ranking bench-retrieval bench-e2e bench-scale bench-gateway drills drill-retrain loadtest loadtest-local image image-gpu render clean

help: ## List the targets.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

install: ## Install the pinned dependencies.
	npm ci --no-audit --no-fund

gen: ## Regenerate shared/generated from proto/.
	node scripts/gen-types.mjs

gen-check: ## Fail when shared/generated is stale.
	node scripts/gen-types.mjs --check

typecheck: ## TypeScript, strict.
	npx tsc --noEmit -p tsconfig.json

lint: ## ESLint (floating promises, type-only imports, no any) and no import cycles.
	npx eslint .
	node scripts/check-import-cycles.mjs

unit: ## The mocha suites only.
	$(MOCHA) $(SPECS)

test: gen-check typecheck lint unit ## Everything CI runs.

build: ## Compile to dist/ (used by the container image).
	npx tsc -p tsconfig.build.json

demo: ## Train on $(DATA), start the services, show recommendations.
	./bin/dlrs.js demo --data $(DATA)

MOVIELENS_URL := https://files.grouplens.org/datasets/movielens/ml-latest-small.zip
eval: ## The MAP@k comparison (3 seeds) and the cold-start items comparison on MovieLens latest-small, run at the same time (docs/evaluation.md); reports in reports/.
	@test -f $(MOVIELENS)/ratings.csv || { echo "make eval: no MovieLens at $(MOVIELENS). Download $(MOVIELENS_URL) (GroupLens), unzip it so that $(MOVIELENS)/ratings.csv exists, or run make eval MOVIELENS=/path/to/ml-latest-small."; exit 1; }
	./bin/dlrs.js eval --data movielens:$(MOVIELENS) --split user,cold-items

eval-similar-items: ## Similar-items quality (HitRate@10, MRR of the next item) and MAP@10 per Recommend query_mode, 3 seeds (docs/evaluation.md), on MovieLens latest-small.
	./bin/dlrs.js eval --data movielens:$(MOVIELENS) --split similar-items

bench-trainer: ## Training throughput, FLOPs and wall time on MovieLens latest-small, JavaScript vs WebAssembly kernels, ratio to PyTorch per core; prints the last scale run.
	$(NODE_TS) bench/trainer/train-bench.ts

bench-trainer-scale: ## Synthetic 20M interactions, 200k users, 100k items (INTERACTIONS=2000000 for a shorter run, EPOCHS=1): time per epoch, examples per CPU-second, peak RSS, validation MAP@10.
	$(NODE_TS) bench/trainer/scale-bench.ts $(if $(INTERACTIONS),--interactions $(INTERACTIONS)) $(if $(EPOCHS),--epochs $(EPOCHS))

BENCH_BUNDLE := .data/bench-bundle
$(BENCH_BUNDLE)/manifest.json:
	./bin/dlrs.js train --data synthetic:small --out $(BENCH_BUNDLE) --epochs 2

bench-ranking: $(BENCH_BUNDLE)/manifest.json ## ONNX Runtime ceiling, Rank/RankStream and EmbedUsers throughput/latency/loop delay (batching on/1 ms/off, echo ceiling), bytes vs repeated float, half-precision cost.
	$(NODE_TS) bench/ranking/ort-ceiling.ts --bundle $(BENCH_BUNDLE) --dim 32
	$(NODE_TS) bench/ranking/service-core.ts --bundle $(BENCH_BUNDLE) --dim 32
	$(NODE_TS) bench/ranking/service-load.ts --bundle $(BENCH_BUNDLE) --dim 32
	$(NODE_TS) bench/ranking/service-load.ts --bundle $(BENCH_BUNDLE) --dim 32 --call embed --modes on,off --concurrency 1,8,64
	$(NODE_TS) bench/ranking/bytes-vs-repeated.ts
	$(NODE_TS) bench/ranking/half-float-cost.ts

bench-retrieval: ## USearch recall/QPS sweeps, peers, RPC vs in-process, event-loop delay (ITEMS=100000 for a quick run).
	$(NODE_TS) bench/retrieval/run-bench.ts --items $${ITEMS:-1000000}

TARGET ?= 127.0.0.1:50051
GHZ_CONFIGS ?= $(wildcard deploy/ghz/*.json)
LOCAL_DURATION ?= 6s
LOCAL_WARMUP ?= 1s
loadtest: ## Load-test a running gateway at $(TARGET) with deploy/ghz/*.json: ghz when installed, else dlrs bench load (DURATION=10s instead of each file's total).
	@set -e; for config in $(GHZ_CONFIGS); do \
	  if command -v ghz >/dev/null 2>&1; then ghz --config $$config $(if $(DURATION),--duration $(DURATION)) $(TARGET); \
	  else ./bin/dlrs.js bench load --config $$config $(if $(DURATION),--duration $(DURATION)) $(TARGET); fi; \
	done

loadtest-local: ## The same with dlrs bench load against the demo topology (4 processes) over a tiny bundle, started and stopped here ($(LOCAL_DURATION) per file, the first $(LOCAL_WARMUP) left out).
	$(NODE_TS) bench/load/local-topology.ts --duration $(LOCAL_DURATION) --warmup $(LOCAL_WARMUP) --skip-first 0 $(GHZ_CONFIGS)

# 100k items (synthetic:medium), one epoch: a catalog of the measured size in minutes; its quality does not matter here.
E2E_BUNDLE := .data/bench-e2e-bundle
$(E2E_BUNDLE)/manifest.json:
	./bin/dlrs.js train --data synthetic:medium --out $(E2E_BUNDLE) --epochs 1 --seed 1

bench-e2e: $(E2E_BUNDLE)/manifest.json ## Demo topology as processes, 100k items: Recommend p50/p99/throughput/CPU per request at concurrency 1/16/64, stage shares from traces, tracing at 100/1/0 % sampled vs off.
	$(NODE_TS) bench/e2e/run-e2e-bench.ts --bundle $(E2E_BUNDLE) $(if $(DURATION_S),--duration-s $(DURATION_S)) $(if $(TRACING),--tracing $(TRACING))

# The 1M-item bundle (trained briefly on few interactions) and the shards' snapshots stay in .data/bench-scale: a re-run starts in seconds.
bench-scale: ## 1M items (dim 64), 2 shards + ranking + gateway: Recommend k=10 of 300 at rising open-loop rates until p99 > 50 ms; table, stage split, plot in reports/bench-scale/ (ITEM_TABLE=false: every candidate embedding on the wire).
	$(NODE_TS) bench/scale/run-scale-bench.ts $(if $(RATES),--rates $(RATES)) $(if $(DURATION_S),--duration-s $(DURATION_S)) $(if $(ITEMS),--items $(ITEMS)) $(if $(SHARDS),--shards $(SHARDS)) $(if $(ZIPF),--zipf $(ZIPF)) $(if $(ITEM_TABLE),--item-table $(ITEM_TABLE))

bench-gateway: ## The gateway process alone against stand-in tiers at RPS (default 300): its CPU per Recommend and scavenges per 1000 requests (RUNS= repeats; BUNDLE_ROWS=1: tiers that resolve candidates by bundle row; BUNDLE=DIR: another bundle than the 1M one).
	$(NODE_TS) bench/gateway/run-gateway-bench.ts $(if $(RPS),--rps $(RPS)) $(if $(RUNS),--runs $(RUNS)) $(if $(BUNDLE_ROWS),--bundle-rows) $(if $(BUNDLE),--bundle $(BUNDLE))

drills: ## Fault and overload drills on the demo topology (synthetic:small, trained once into .data/drills): a PASS/FAIL table, Markdown in reports/drills/ (ONLY=overload,slow,... for some); then, without ONLY, the closed-loop drill (drill-retrain).
	$(NODE_TS) bench/drills/run-drills.ts $(if $(ONLY),--only $(ONLY))
	$(if $(ONLY),,$(NODE_TS) bench/drills/retrain-loop-drill.ts)

drill-retrain: ## The closed loop on its own demo topology (synthetic:tiny, 3-5 min): drifted traffic, warm-started retrain promoted, a relabelled candidate refused, rollout under load, a rollout whose answers miss its bundle's reference answers (probes.json) rolled back with no failed call, catalog changes through the gateway read by retrain, online click-through and new-category share per version.
	$(NODE_TS) bench/drills/retrain-loop-drill.ts

image: ## Build the CPU container image (needs a Docker engine).
	docker build -f deploy/docker/Dockerfile -t dlrs:$(shell node -p 'require("./package.json").version') .

image-gpu: ## Build the CUDA 12 container image (needs a Docker engine).
	docker build -f deploy/docker/Dockerfile.gpu -t dlrs:$(shell node -p 'require("./package.json").version')-gpu .

OVERLAY ?= cpu
render: ## Render a Kubernetes overlay (OVERLAY=cpu|gpu|dev) with kubectl kustomize.
	kubectl kustomize deploy/k8s/overlays/$(OVERLAY)

clean: ## Remove build output and reports.
	rm -rf dist reports
