{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "todo-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name from the release: the release name when it already contains the chart name. */}}
{{- define "todo-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "todo-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: name + instance (+ component, added by the callers). Never change these. */}}
{{- define "todo-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The labels the chart itself sets on every object (validate.yaml refuses user labels of these names). */}}
{{- define "todo-app.chartLabels" -}}
helm.sh/chart: {{ include "todo-app.chart" . }}
{{ include "todo-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-app
{{- end }}

{{/* Labels of every object's metadata: the chart's plus commonLabels (never in selectors). */}}
{{- define "todo-app.labels" -}}
{{ include "todo-app.chartLabels" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels and selector labels of one component: (dict "ctx" $ "component" "backend"). */}}
{{- define "todo-app.componentLabels" -}}
{{ include "todo-app.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of a pod template: the component's labels, with its podLabels winning over commonLabels.
(dict "ctx" $ "component" "backend" "podLabels" .Values.backend.podLabels) */}}
{{- define "todo-app.podLabels" -}}
{{- toYaml (merge (dict) (.podLabels | default dict) (include "todo-app.componentLabels" . | fromYaml)) }}
{{- end }}

{{- define "todo-app.componentSelectorLabels" -}}
{{ include "todo-app.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "todo-app.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo-app.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The migration hook's ServiceAccount: its own hook-scoped one (templates/migrate-job.yaml), or the user's existing one. */}}
{{- define "todo-app.migrate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- printf "%s-migrate" (include "todo-app.fullname" .) }}
{{- else }}
{{- include "todo-app.serviceAccountName" . }}
{{- end }}
{{- end }}

{{/*
Image reference as Bitnami's common.images.image builds it: [registry/]repository, then @digest when a
digest is set (it wins over the tag), else :tag. global.imageRegistry replaces every image's registry.
(dict "ctx" $ "image" .Values.postgresql.image ["defaultTag" TAG]); without a tag or a digest it fails.
*/}}
{{- define "todo-app.image" -}}
{{- $reference := .image.repository }}
{{- with default .image.registry (.ctx.Values.global).imageRegistry }}
{{- $reference = printf "%s/%s" . $reference }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $reference .image.digest }}
{{- else }}
{{- printf "%s:%s" $reference (required (printf "image %s needs a tag or a digest" .image.repository) (default .defaultTag .image.tag)) }}
{{- end }}
{{- end }}

{{/* Image of an app (backend, frontend); its tag defaults to the chart's appVersion: (dict "ctx" $ "component" "backend"). */}}
{{- define "todo-app.appImage" -}}
{{- include "todo-app.image" (dict "ctx" .ctx "image" (index .ctx.Values .component).image "defaultTag" .ctx.Chart.AppVersion) }}
{{- end }}

{{/* imagePullSecrets: global.imagePullSecrets then imagePullSecrets, each a name or {name: …}, once each. */}}
{{- define "todo-app.imagePullSecrets" -}}
{{- $names := list }}
{{- range concat ((.Values.global).imagePullSecrets | default list) .Values.imagePullSecrets }}
{{- if kindIs "string" . }}
{{- $names = append $names . }}
{{- else }}
{{- $names = append $names .name }}
{{- end }}
{{- end }}
{{- $secrets := list }}
{{- range uniq $names }}
{{- $secrets = append $secrets (dict "name" .) }}
{{- end }}
{{- with $secrets }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{- define "todo-app.secretName" -}}
{{- default (printf "%s-secrets" (include "todo-app.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Key of a value in the release's Secret: (dict "ctx" $ "key" "databaseUrl"). The chart-managed Secret uses the
standard names; an existing Secret may name them otherwise (secrets.existingSecretKeys).
*/}}
{{- define "todo-app.secretKey" -}}
{{- $standard := index (dict "databaseUrl" "DATABASE_URL" "jwtSecretKey" "JWT_SECRET_KEY" "openaiApiKey" "OPENAI_API_KEY") .key }}
{{- if .ctx.Values.secrets.existingSecret }}
{{- default $standard (index (.ctx.Values.secrets.existingSecretKeys | default dict) .key) }}
{{- else }}
{{- $standard }}
{{- end }}
{{- end }}

{{/* The backend's credentials, each from its key of the release's Secret (the LLM key may be absent). */}}
{{- define "todo-app.secretEnv" -}}
{{- $secret := include "todo-app.secretName" . -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ include "todo-app.secretKey" (dict "ctx" . "key" "databaseUrl") }}
- name: JWT_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ include "todo-app.secretKey" (dict "ctx" . "key" "jwtSecretKey") }}
- name: OPENAI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ include "todo-app.secretKey" (dict "ctx" . "key" "openaiApiKey") }}
      optional: true
{{- end }}

{{- define "todo-app.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "todo-app.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A value of a Secret this release owns: the one given in values, else the one already stored in the
cluster (so keys set with tools/secrets survive upgrades), else "" or a generated one. Generated values
are memoised in .Values so every template of one render sees the same value.
(dict "ctx" $ "secret" NAME "key" KEY "given" VALUE "generate" BOOL)
*/}}
{{- define "todo-app.secretValue" -}}
{{- $memo := printf "__generated_%s_%s" .secret .key }}
{{- if .given }}
{{- .given }}
{{- else if hasKey .ctx.Values $memo }}
{{- index .ctx.Values $memo }}
{{- else }}
{{- $value := "" }}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- $value = index $existing.data .key | b64dec }}
{{- else if .generate }}
{{- $value = randAlphaNum 48 }}
{{- end }}
{{- $_ := set .ctx.Values $memo $value }}
{{- $value }}
{{- end }}
{{- end }}

{{- define "todo-app.postgresql.password" -}}
{{- include "todo-app.secretValue" (dict "ctx" . "secret" (include "todo-app.postgresql.fullname" .) "key" "POSTGRES_PASSWORD" "given" .Values.postgresql.auth.password "generate" true) }}
{{- end }}

{{/* DATABASE_URL of a chart-managed Secret: given, in-chart PostgreSQL, or already stored. */}}
{{- define "todo-app.databaseUrl" -}}
{{- if .Values.secrets.databaseUrl }}
{{- .Values.secrets.databaseUrl }}
{{- else if .Values.postgresql.enabled }}
{{- $pg := .Values.postgresql.auth }}
{{- printf "postgres://%s:%s@%s:5432/%s" $pg.username (include "todo-app.postgresql.password" . | urlquery) (include "todo-app.postgresql.fullname" .) $pg.database }}
{{- else }}
{{- include "todo-app.secretValue" (dict "ctx" . "secret" (include "todo-app.secretName" .) "key" "DATABASE_URL" "given" "" "generate" false) }}
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every workload of the chart: (dict "ctx" $ "serviceAccountName" NAME). */}}
{{- define "todo-app.podSpecCommon" -}}
serviceAccountName: {{ .serviceAccountName }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .ctx.Values.podSecurityContext | nindent 2 }}
{{- with include "todo-app.imagePullSecrets" .ctx }}
imagePullSecrets:
  {{- . | nindent 2 }}
{{- end }}
{{- end }}

{{/* HTTP probes of an app container: (dict "probes" .Values.backend.probes). */}}
{{- define "todo-app.probes" -}}
startupProbe:
  httpGet:
    path: /startup
    port: http
  {{- toYaml .probes.startup | nindent 2 }}
livenessProbe:
  httpGet:
    path: /health
    port: http
  {{- toYaml .probes.liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: /ready
    port: http
  {{- toYaml .probes.readiness | nindent 2 }}
{{- end }}

{{/* NetworkPolicy egress rule to the database: the in-chart pods, or any host on the external port. */}}
{{- define "todo-app.databaseEgress" -}}
{{- if .Values.postgresql.enabled }}
- to:
    - podSelector:
        matchLabels:
          {{- include "todo-app.componentSelectorLabels" (dict "ctx" $ "component" "database") | nindent 10 }}
  ports:
    - protocol: TCP
      port: 5432
{{- else }}
- ports:
    - protocol: TCP
      port: {{ .Values.networkPolicy.externalDatabasePort }}
{{- end }}
{{- end }}
