{{/* Refuse to render a release that cannot work, naming the value to change (called from validate.yaml). */}}
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
{{- if and (include "todo-app.isSet" $c.pdb.minAvailable) (include "todo-app.isSet" $c.pdb.maxUnavailable) }}
{{- fail (printf "%s.pdb: set minAvailable (%v) or maxUnavailable (%v), not both; a PodDisruptionBudget takes one" $component $c.pdb.minAvailable $c.pdb.maxUnavailable) }}
{{- end }}
{{- end }}
{{- /* The chart's own labels select pods; a user label of the same name would break selectors. */}}
{{- $reserved := merge (include "todo-app.chartLabels" . | fromYaml) (dict "app.kubernetes.io/component" "") }}
{{- range $where, $labels := dict "commonLabels" .Values.commonLabels "backend.podLabels" .Values.backend.podLabels "frontend.podLabels" .Values.frontend.podLabels "migrations.podLabels" .Values.migrations.podLabels }}
{{- range $key, $_ := $labels }}
{{- if hasKey $reserved $key }}
{{- fail (printf "%s: %q is a label the chart sets itself (its selectors use it); choose another name" $where $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* "true" when a value is given (0 counts; "" and null do not), else "". */}}
{{- define "todo-app.isSet" -}}
{{- if not (or (kindIs "invalid" .) (eq (toString .) "")) }}true{{ end }}
{{- end }}
