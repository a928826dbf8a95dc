{{/*
Metrics and tracing settings of one app's ConfigMap: METRICS_PORT (0 turns the listener off) and, when set,
OTEL_EXPORTER_OTLP_ENDPOINT.  (dict "ctx" $ "component" "backend")
*/}}
{{- define "todo-app.observabilityConfig" -}}
{{- $m := .ctx.Values.metrics -}}
METRICS_PORT: {{ ternary (index $m.ports .component) 0 $m.enabled | quote }}
{{- with .ctx.Values.tracing.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- end }}

{{/* NetworkPolicy ingress rule: the labelled scraper, and nobody else, reaches the metrics port. */}}
{{- define "todo-app.metricsIngress" -}}
{{- $m := .Values.metrics -}}
{{- if $m.enabled -}}
- from:
    - podSelector:
        matchLabels:
          {{- toYaml $m.scraper.podLabels | nindent 10 }}
      {{- with $m.scraper.namespaceLabels }}
      namespaceSelector:
        matchLabels:
          {{- toYaml . | nindent 10 }}
      {{- end }}
  ports:
    - protocol: TCP
      port: metrics
{{- end }}
{{- end }}

{{/* NetworkPolicy egress rule: the trace collector's port, when tracing is on. */}}
{{- define "todo-app.collectorEgress" -}}
{{- if .Values.tracing.otlpEndpoint -}}
- ports:
    - protocol: TCP
      port: {{ .Values.tracing.collectorPort }}
{{- end }}
{{- end }}
