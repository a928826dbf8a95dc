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

{{- define "todo-app.labels" -}}
helm.sh/chart: {{ include "todo-app.chart" . }}
{{ include "todo-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-app
{{- end }}

{{/* Labels and selector labels of one component: (dict "ctx" $ "component" "backend"). */}}
{{- define "todo-app.componentLabels" -}}
{{ include "todo-app.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
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

{{/* image reference of a component: (dict "ctx" $ "image" .Values.backend.image). */}}
{{- define "todo-app.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}

{{- define "todo-app.secretName" -}}
{{- default (printf "%s-secrets" (include "todo-app.fullname" .)) .Values.secrets.existingSecret }}
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

{{/* Refuse to render a release that has no database. */}}
{{- define "todo-app.validate" -}}
{{- if and (not .Values.secrets.existingSecret) (not .Values.postgresql.enabled) (not (include "todo-app.databaseUrl" .)) }}
{{- fail "no database configured: set secrets.existingSecret (a Secret with DATABASE_URL), secrets.databaseUrl, or postgresql.enabled=true (see values-dev.yaml)" }}
{{- end }}
{{- range $component := list "backend" "frontend" }}
{{- $c := index $.Values $component }}
{{- $drainSeconds := add $c.preStopSleepSeconds (div (add (default 0 $c.shutdownDelayMs) 999) 1000) }}
{{- if le (int $c.terminationGracePeriodSeconds) (int $drainSeconds) }}
{{- fail (printf "%s.terminationGracePeriodSeconds (%v) must exceed preStopSleepSeconds + shutdownDelayMs (%v s)" $component $c.terminationGracePeriodSeconds $drainSeconds) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every workload of the chart. */}}
{{- define "todo-app.podSpecCommon" -}}
serviceAccountName: {{ include "todo-app.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
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
