# plinth — the entry points. `make help` lists them.
#
# Everything this file builds goes to bin/ (tools) or .state/ (the local
# control plane, the file backend, Pulumi's home); both are gitignored.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO    ?= go
ROOT  := $(CURDIR)
BIN   := $(ROOT)/bin
STATE := $(ROOT)/.state

# Versions of the tools built from Go modules; each module is pinned in its
# tools/<name>/go.mod, and these must match it.
PULUMI_VERSION   := v3.274.1
PROVIDER_VERSION := 4.25.0
KUBE_VERSION     := v1.34.4
ROLLOUTS_VERSION := v1.10.1
# The tools are built without a symbol table or DWARF (-s -w): nobody
# debugs them here, and the linker's DWARF pass is a large part of each of
# their links. Panics still print their stacks (those come from pclntab).
TOOL_LDFLAGS     := -s -w
KUBE_LDFLAGS     := $(TOOL_LDFLAGS) -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) \
                    -X k8s.io/component-base/version.gitMajor=1 \
                    -X k8s.io/component-base/version.gitMinor=34 \
                    -X k8s.io/component-base/version.gitTreeState=clean

# The local control plane and the local deployment.
CONTROL_PLANE := $(BIN)/etcd $(BIN)/kube-apiserver $(BIN)/kube-controller-manager $(BIN)/kube-scheduler $(BIN)/kwok
DEPLOY_TOOLS  := $(BIN)/pulumi $(BIN)/pulumi-resource-kubernetes
TOOLS         := $(DEPLOY_TOOLS) $(CONTROL_PLANE)

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

# ---------------------------------------------------------------- checks

.PHONY: test
test: ## vet, then every unit, stack, example and provider test under mocks (no cloud, no cluster)
	$(GO) vet ./...
	@# The local build and the e2e tests compile only under their tags.
	$(GO) vet -tags "e2e plinthlocal" ./stacks/
	@# -vet=off: go vet above ran every analyzer; go test's own pass (a
	@# subset) would type-check every package again.
	$(GO) test -vet=off ./...
	@# The stack program composes stacks under mocks for its guardrail gate;
	@# the test framework must not be linked into it.
	@if $(GO) list -deps ./stacks | grep -qx testing; then \
	  echo "the stack program links the testing package:"; $(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' -deps ./stacks | grep -E ' testing( |$$)'; exit 1; fi
	@# The component provider is its own module (it needs pulumi/pkg/v3).
	cd provider && $(GO) vet ./... && $(GO) test -vet=off ./...

FUZZTIME ?= 60s

.PHONY: fuzz
fuzz: ## fuzz config load, then config load and every component's validation together (FUZZTIME each)
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./pkg/config/
	$(GO) test -run '^$$' -fuzz '^FuzzConfigThroughTheComponents$$' -fuzztime $(FUZZTIME) ./stacks/

.PHONY: lint
lint: $(BIN)/staticcheck $(BIN)/actionlint $(BIN)/dockerlint $(BIN)/trivy $(DEPLOY_TOOLS) ## gofmt, vet, staticcheck, actionlint, Dockerfile lint, trivy on the rendered local manifests
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/actionlint -no-color
	$(BIN)/dockerlint Dockerfile
	@# The local stack's manifests, rendered by the real provider, scanned
	@# offline with trivy's embedded Kubernetes checks: no HIGH or CRITICAL.
	$(GO) run $(LOCAL_TAGS) ./stacks render --out $(ROOT)/out/manifests
	$(BIN)/trivy config --quiet --skip-check-update --skip-version-check --disable-telemetry \
	  --cache-dir $(STATE)/trivy-cache --misconfig-scanners kubernetes \
	  --severity HIGH,CRITICAL --exit-code 1 $(ROOT)/out/manifests

.PHONY: security
security: $(BIN)/gosec $(BIN)/govulncheck ## gosec and govulncheck (the vulnerability database needs network access)
	$(BIN)/gosec -quiet -exclude-dir=tools -exclude-generated ./...
	$(BIN)/govulncheck ./...

.PHONY: build
build: ## compile the library, the stack program and the examples
	$(GO) build ./...

# ---------------------------------------------------------------- tools
# Each tool is its own module under tools/ (their dependency graphs
# differ) and is rebuilt only when its go.mod, go.sum or sources change.

# Progressive delivery, for real: the Argo Rollouts controller (its module
# pins the k8s.io modules by replace; tools/argo-rollouts repeats them), and
# the Prometheus server its analyses query. Prometheus is built without
# service discovery (remove_all_sd): the e2e suite writes its series
# through the remote-write receiver, and the discovery SDKs double the build.
# promtool, which the alert tests run (`promtool test rules`, no discovery),
# comes from the same go build: built apart and with discovery, it compiled
# those SDKs and Prometheus' packages a second time.
PROMETHEUS_TOOLS := $(BIN)/prometheus $(BIN)/promtool
ROLLOUT_TOOLS    := $(BIN)/rollouts-controller $(PROMETHEUS_TOOLS)

# What the end-to-end suite needs besides: the YAML language host and
# plinth's component provider, for the YAML program run by `pulumi up`. And
# the engines of progressive delivery: the Argo Rollouts controller and a
# Prometheus server its analyses query.
# GitOps, for real: Flux's source-controller and kustomize-controller, the
# sops CLI that `stacks gitops render` encrypts Secrets with, and a git
# server on loopback; one module (tools/flux), built by one go build, so
# the packages they share compile once.
FLUX_VERSION := v1.9.6
FLUX_TOOLS   := $(BIN)/source-controller $(BIN)/kustomize-controller $(BIN)/sops $(BIN)/gitserver

# Signed images, for real: Kyverno's admission controller, the cosign CLI,
# and go-containerregistry's in-memory registry and crane; one module
# (tools/kyverno), built by one go build, so the packages they share
# (sigstore, go-containerregistry, client-go) compile once.
KYVERNO_VERSION := v1.19.1
KYVERNO_TOOLS   := $(BIN)/kyverno $(BIN)/cosign $(BIN)/registry $(BIN)/crane

E2E_TOOLS := $(TOOLS) $(BIN)/pulumi-language-yaml $(BIN)/pulumi-resource-plinth $(ROLLOUT_TOOLS) $(FLUX_TOOLS) $(KYVERNO_TOOLS)

.PHONY: tools e2e-tools ci-tools rollout-tools flux-tools kyverno-tools
tools: $(TOOLS) ## build the Pulumi CLI, the kubernetes provider and the local control plane into bin/
# e2e-tools and ci-tools print a line per tool as it starts (its position
# and the measured time to expect) and as it ends, with compiler output in
# .state/build/ (cmd/localsetup).
e2e-tools: ## build what make e2e needs, with a progress line per tool: the tools, the YAML language host, the component provider and the engines
	@$(GO) run ./cmd/localsetup -set e2e -j $(TOOL_JOBS)
ci-tools: ## build what make e2e and make alert-tests need, with a progress line per tool (what .ci/run builds beside make test)
	@$(GO) run ./cmd/localsetup -set e2e,alert -j $(TOOL_JOBS)

$(BIN)/pulumi: tools/pulumi/go.mod tools/pulumi/go.sum
	cd tools/pulumi && $(GO) build -o $@ \
	  -ldflags "$(TOOL_LDFLAGS) -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
	  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# The provider's own main embeds a schema generated at release time; ours
# embeds the schema.json and terraform-mapping.json of the module itself.
$(BIN)/pulumi-resource-kubernetes: tools/kubernetes-provider/go.mod tools/kubernetes-provider/go.sum tools/kubernetes-provider/main.go
	cd tools/kubernetes-provider && \
	  $(GO) mod download github.com/pulumi/pulumi-kubernetes/provider/v4 && \
	  dir=$$($(GO) list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4) && \
	  test -n "$$dir" && \
	  install -m 0644 $$dir/cmd/pulumi-resource-kubernetes/schema.json $$dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json . && \
	  $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ .

# One go build writes all three (a grouped target): built by three, two
# at a time, they compiled the k8s.io packages they share twice over.
KUBE_BINS := kube-apiserver kube-controller-manager kube-scheduler
$(addprefix $(BIN)/,$(KUBE_BINS)) &: tools/kube/go.mod tools/kube/go.sum
	mkdir -p $(STATE)/kube-build $(BIN)
	cd tools/kube && $(GO) build -o $(STATE)/kube-build/ -ldflags "$(KUBE_LDFLAGS)" $(addprefix k8s.io/kubernetes/cmd/,$(KUBE_BINS))
	install -m 0755 $(addprefix $(STATE)/kube-build/,$(KUBE_BINS)) $(BIN)/
	rm -rf $(STATE)/kube-build


rollout-tools: $(ROLLOUT_TOOLS) ## build the Argo Rollouts controller and a Prometheus server into bin/

$(BIN)/rollouts-controller: tools/argo-rollouts/go.mod tools/argo-rollouts/go.sum
	cd tools/argo-rollouts && $(GO) build -o $@ \
	  -ldflags "$(TOOL_LDFLAGS) -X github.com/argoproj/argo-rollouts/utils/version.version=$(ROLLOUTS_VERSION:v%=%) -X github.com/argoproj/argo-rollouts/utils/version.gitTag=$(ROLLOUTS_VERSION) -X github.com/argoproj/argo-rollouts/utils/version.gitTreeState=clean" \
	  github.com/argoproj/argo-rollouts/cmd/rollouts-controller

flux-tools: $(FLUX_TOOLS) ## build Flux's source-controller and kustomize-controller, sops and a loopback git server into bin/

# One go build writes all four (a grouped target): their shared packages
# (client-go, controller-runtime, sops) compile once.
$(FLUX_TOOLS) &: tools/flux/go.mod tools/flux/go.sum tools/flux/gitserver/main.go
	mkdir -p $(STATE)/flux-build $(BIN)
	cd tools/flux && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $(STATE)/flux-build/ \
	  github.com/fluxcd/source-controller github.com/fluxcd/kustomize-controller \
	  github.com/getsops/sops/v3/cmd/sops ./gitserver
	install -m 0755 $(STATE)/flux-build/source-controller $(STATE)/flux-build/kustomize-controller $(STATE)/flux-build/sops $(STATE)/flux-build/gitserver $(BIN)/
	rm -rf $(STATE)/flux-build

kyverno-tools: $(KYVERNO_TOOLS) ## build Kyverno's admission controller, cosign, an in-memory OCI registry and crane into bin/

$(KYVERNO_TOOLS) &: tools/kyverno/go.mod tools/kyverno/go.sum
	mkdir -p $(STATE)/kyverno-build $(BIN)
	cd tools/kyverno && $(GO) build -o $(STATE)/kyverno-build/ \
	  -ldflags "$(TOOL_LDFLAGS) -X github.com/kyverno/kyverno/pkg/version.BuildVersion=$(KYVERNO_VERSION)" \
	  github.com/kyverno/kyverno/cmd/kyverno github.com/sigstore/cosign/v3/cmd/cosign \
	  github.com/google/go-containerregistry/cmd/registry github.com/google/go-containerregistry/cmd/crane
	install -m 0755 $(STATE)/kyverno-build/kyverno $(STATE)/kyverno-build/cosign $(STATE)/kyverno-build/registry $(STATE)/kyverno-build/crane $(BIN)/
	rm -rf $(STATE)/kyverno-build

$(PROMETHEUS_TOOLS) &: tools/prometheus/go.mod tools/prometheus/go.sum
	mkdir -p $(STATE)/prometheus-build $(BIN)
	cd tools/prometheus && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -tags remove_all_sd -o $(STATE)/prometheus-build/ \
	  github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool
	install -m 0755 $(STATE)/prometheus-build/prometheus $(STATE)/prometheus-build/promtool $(BIN)/
	rm -rf $(STATE)/prometheus-build

# Pulumi YAML's language host, so `pulumi up` runs runtime: yaml programs.
# Its module needs pulumi/pkg v3.206 (newer versions break its compile).
$(BIN)/pulumi-language-yaml: tools/pulumi-yaml/go.mod tools/pulumi-yaml/go.sum
	cd tools/pulumi-yaml && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml

# The real engines the alert tests run: Prometheus' promtool, and
# Alertmanager's config, routing and inhibition code (tools/alertcheck).
ALERT_TOOLS := $(PROMETHEUS_TOOLS) $(BIN)/alertcheck

.PHONY: alert-tools alert-tests
alert-tools: $(ALERT_TOOLS) ## build promtool (with the Prometheus server, one build) and alertcheck into bin/

$(BIN)/alertcheck: tools/alertcheck/go.mod tools/alertcheck/go.sum tools/alertcheck/main.go
	cd tools/alertcheck && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ .

alert-tests: $(ALERT_TOOLS) ## prove every alert fires and stays quiet with promtool, and the routing with Alertmanager's code; RULE_TESTS=<file> adds your rules' tests
	$(GO) run ./cmd/alertfiles -out $(STATE)/alerting $(if $(RULE_TESTS),-tests $(abspath $(RULE_TESTS)))
	cd $(STATE)/alerting && $(BIN)/promtool test rules rules_test.yaml analysis_test.yaml
	$(BIN)/alertcheck $(STATE)/alerting/alertmanager.yaml $(STATE)/alerting/routes.yaml
	cd tools/alertcheck && $(GO) test ./...

$(BIN)/etcd: tools/etcd/go.mod tools/etcd/go.sum tools/etcd/main.go
	cd tools/etcd && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ .

$(BIN)/kwok: tools/kwok/go.mod tools/kwok/go.sum
	cd tools/kwok && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ sigs.k8s.io/kwok/cmd/kwok

# The Prometheus Operator CRDs that plinth's objects use, generated from the
# upstream API types (the version pinned in tools/crdgen/go.mod).
CRD_DIR   := components/monitoring/crds
CRD_KINDS := servicemonitors podmonitors prometheusrules
GATEWAY_CRD_DIR := components/app/crds
GATEWAY_KINDS   := gatewayclasses gateways httproutes referencegrants
ROLLOUTS_CRD_DIR := components/app/crds/rollouts
FLUX_CRD_DIR := components/flux/crds

.PHONY: crds
crds: ## regenerate the Prometheus Operator and Argo Rollouts CRDs from the upstream API types (controller-gen), copy the Gateway API and Flux CRDs
	rm -rf $(STATE)/crdgen && mkdir -p $(STATE)/crdgen $(CRD_DIR)
	cd tools/crdgen && $(GO) tool controller-gen crd:crdVersions=v1 \
	  paths=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1 \
	  output:crd:dir=$(STATE)/crdgen
	for kind in $(CRD_KINDS); do cp $(STATE)/crdgen/monitoring.coreos.com_$$kind.yaml $(CRD_DIR)/; done
	@# The Argo Rollouts CRDs, every kind its controller watches. Descriptions
	@# are dropped (maxDescLen=0): the pod templates inside would make them
	@# large, and the API server needs only the schema.
	rm -rf $(STATE)/crdgen-rollouts && mkdir -p $(STATE)/crdgen-rollouts $(ROLLOUTS_CRD_DIR)
	cd tools/crdgen && $(GO) tool controller-gen crd:crdVersions=v1,maxDescLen=0 \
	  paths=github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1 \
	  output:crd:dir=$(STATE)/crdgen-rollouts
	install -m 0644 $(STATE)/crdgen-rollouts/argoproj.io_*.yaml $(ROLLOUTS_CRD_DIR)/
	@# The Gateway API CRDs (standard channel) as the pinned module ships them.
	mkdir -p $(GATEWAY_CRD_DIR)
	cd tools/crdgen && dir=$$($(GO) list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api) && \
	  for kind in $(GATEWAY_KINDS); do install -m 0644 $$dir/config/crd/standard/gateway.networking.k8s.io_$$kind.yaml ../../$(GATEWAY_CRD_DIR)/; done
	@# Flux's CRDs as source-controller and kustomize-controller ship them, at
	@# the versions tools/flux builds (the flux component installs them).
	mkdir -p $(FLUX_CRD_DIR)
	cd tools/flux && for m in github.com/fluxcd/source-controller github.com/fluxcd/kustomize-controller; do \
	  dir=$$($(GO) list -m -f '{{.Dir}}' $$m) && test -n "$$dir" && \
	  install -m 0644 $$dir/config/crd/bases/*.yaml ../../$(FLUX_CRD_DIR)/ || exit 1; done

$(BIN)/staticcheck: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ honnef.co/go/tools/cmd/staticcheck
$(BIN)/actionlint: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ github.com/rhysd/actionlint/cmd/actionlint
$(BIN)/gosec: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ github.com/securego/gosec/v2/cmd/gosec
$(BIN)/govulncheck: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ golang.org/x/vuln/cmd/govulncheck
$(BIN)/dockerlint: tools/dockerlint/go.mod tools/dockerlint/go.sum tools/dockerlint/main.go
	cd tools/dockerlint && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ .
# trivy's JSON code needs the json/v2 experiment of Go 1.25+.
$(BIN)/trivy: tools/trivy/go.mod tools/trivy/go.sum
	cd tools/trivy && GOEXPERIMENT=jsonv2 $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ github.com/aquasecurity/trivy/cmd/trivy

# ---------------------------------------------------------------- component provider
# pulumi-resource-plinth serves the components to every Pulumi language
# (provider/, its own module). Its schema is checked in: a test fails when
# it is stale, and `make provider-schema` rewrites it.

LIBRARY_SOURCES := $(shell git ls-files 'components/*.go' 'pkg/*.go' 'internal/*.go' 'provider/*.go' 2>/dev/null | grep -v _test.go)

.PHONY: provider provider-schema
provider: $(BIN)/pulumi-resource-plinth ## build the component provider into bin/
$(BIN)/pulumi-resource-plinth: provider/go.mod provider/go.sum go.mod $(LIBRARY_SOURCES)
	cd provider && $(GO) build -o $@ .

provider-schema: ## regenerate provider/descriptions.go and provider/schema.json after changing an Args field or its doc
	cd provider && $(GO) generate ./... && $(GO) test -run TestSchemaIsCurrent . -update

# ---------------------------------------------------------------- local deployment

LOCAL_STATE := $(STATE)/cluster
# The local stack needs no AWS or GCP SDK: leaving them out of its build
# cuts its cold compile (see stacks/composers_local.go).
LOCAL_TAGS  := -tags plinthlocal

# CLUSTER=current deploys to the cluster of the current kubeconfig context
# (kind, minikube, k3d) instead of starting plinth's control plane; a
# server neither on loopback nor on a private address is refused unless
# YES=1. A Pulumi CLI on PATH (plinth's version or newer) and the pinned
# kubernetes plugin in the Pulumi home are used instead of being built.
CLUSTER ?= local
# How many tools localsetup builds at a time (make local, e2e-tools,
# ci-tools); README, Tools, gives -j1 against -j2.
TOOL_JOBS ?= 2

.PHONY: local
local: ## build what the machine lacks (progress per tool), start (or reuse) the local control plane (or CLUSTER=current), deploy the local stack
	@$(GO) run ./cmd/localsetup -set local -j $(TOOL_JOBS) -cluster $(CLUSTER)
ifeq ($(CLUSTER),current)
	@kc=$$($(GO) run ./cmd/localcontext $(if $(YES),-yes)) && \
	  $(GO) run ./cmd/localcluster crds -kubeconfig "$$kc" && \
	  KUBECONFIG="$$kc" $(GO) run $(LOCAL_TAGS) ./stacks up --stack local --refresh
else
	$(GO) run ./cmd/localcluster up -state $(LOCAL_STATE)
	@# --refresh: a control plane started afresh has none of the objects the state remembers.
	$(GO) run $(LOCAL_TAGS) ./stacks up --stack local --refresh
	@echo
	@echo "Point kubectl at the local cluster:"
	@echo "  export KUBECONFIG=$(LOCAL_STATE)/admin.kubeconfig"
	@echo "  kubectl get deploy,hpa,pdb,svc -A"
endif

.PHONY: local-backend local-backend-down
local-backend: ## start (or reuse) a shared state backend on loopback (S3 and KMS by moto_server); prints the variables to export
	@$(GO) run ./cmd/localbackend up -state $(STATE)/moto -stack $(or $(STACK),local)
local-backend-down: ## save the shared state backend's bucket, then stop it (the next local-backend puts it back)
	$(GO) run ./cmd/localbackend down -state $(STATE)/moto

.PHONY: local-down
local-down: ## destroy the local stack and stop the local control plane
	@if $(GO) run ./cmd/localcluster status -state $(LOCAL_STATE); then \
	  $(GO) run $(LOCAL_TAGS) ./stacks destroy --stack local; \
	else echo "the local control plane is not running: nothing to destroy"; fi
	$(GO) run ./cmd/localcluster down -state $(LOCAL_STATE)

.PHONY: e2e e2e-faults
e2e: $(E2E_TOOLS) ## end-to-end tests on a real local Kubernetes API: the local stack, a YAML program through `pulumi up`, progressive delivery with Argo Rollouts and Prometheus, and the fault suite
	$(GO) test -tags "e2e plinthlocal" -count=1 -timeout 40m -v -run 'E2E' ./stacks/
e2e-faults: $(TOOLS) ## the fault suite alone: kills mid-up, a live lock, API server and etcd outages, drift (part of make e2e)
	$(GO) test -tags "e2e plinthlocal" -count=1 -timeout 30m -v -run 'E2EFaults' ./stacks/

# ---------------------------------------------------------------- stacks

STACKS := $(patsubst Pulumi.%.yaml,%,$(wildcard Pulumi.*.yaml))

# The official CLI runs the program when it can run Go programs (it needs
# the pulumi-language-go host); otherwise the stack driver runs the same
# program inline through the Automation API.
.PHONY: preview up
preview: ## pulumi preview of STACK=<name> (official CLI if it can run Go, else the driver)
	@test -n "$(STACK)" || { echo "usage: make preview STACK=<name>; stacks: $(STACKS)"; exit 2; }
	@if command -v pulumi >/dev/null && command -v pulumi-language-go >/dev/null; then \
	  pulumi preview --stack $(STACK) --diff; \
	else $(GO) run ./stacks preview --stack $(STACK); fi
up: ## pulumi up of STACK=<name> (official CLI if it can run Go, else the driver)
	@test -n "$(STACK)" || { echo "usage: make up STACK=<name>; stacks: $(STACKS)"; exit 2; }
	@if command -v pulumi >/dev/null && command -v pulumi-language-go >/dev/null; then \
	  pulumi up --stack $(STACK); \
	else $(GO) run ./stacks up --stack $(STACK); fi

.PHONY: plan
plan: ## every resource each stack (or STACK=<name>) would register, composed under mocks, secrets redacted: the offline preview
	$(GO) run ./stacks plan $(if $(STACK),--stack $(STACK))

.PHONY: policy-report
policy-report: ## guardrail findings of every stack (rule, resource, result, waiver); fails on a mandatory one
	$(GO) run ./stacks policy-report $(if $(STACK),--stack $(STACK))

# ---------------------------------------------------------------- benchmarks

BENCH_TOOLS := $(BIN)/helm $(BIN)/kubectl

$(BIN)/kubectl: tools/kube/go.mod tools/kube/go.sum
	cd tools/kube && $(GO) build -o $@ -ldflags "$(KUBE_LDFLAGS)" k8s.io/kubernetes/cmd/kubectl
$(BIN)/helm: tools/helm/go.mod tools/helm/go.sum
	cd tools/helm && $(GO) build -ldflags "$(TOOL_LDFLAGS)" -o $@ helm.sh/helm/v3/cmd/helm

.PHONY: bench-tools
bench-tools: $(BENCH_TOOLS) ## build Helm and kubectl, the tools plinth is compared with

.PHONY: bench
bench: $(TOOLS) $(BENCH_TOOLS) ## compile, mock-scale and real-deploy benchmarks (BENCH_COLD=1 adds cold compiles); writes bench/results/<date>.md
	$(GO) run ./bench/run $(BENCH_FLAGS)
