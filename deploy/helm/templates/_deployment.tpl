{{/*
The Deployment of one app; backend-deployment.yaml and frontend-deployment.yaml call it with what differs:
(dict "ctx" $ "component" "backend" "secretEnv" true "scratch" (list (dict "name" "tmp" "mountPath" "/tmp" "sizeLimit" "256Mi")))
  component  the app, whose settings are .Values.<component> and whose ConfigMap is <component>-configmap.yaml
  secretEnv  the app reads the release's Secret (DATABASE_URL, JWT_SECRET_KEY, OPENAI_API_KEY)
  scratch    the emptyDirs the app writes to (the root filesystem is read-only)
*/}}
{{- define "todo-app.deployment" -}}
{{- $ctx := .ctx }}
{{- $component := .component }}
{{- $c := index $ctx.Values $component }}
{{- $name := printf "%s-%s" (include "todo-app.fullname" $ctx) $component }}
{{- $selector := include "todo-app.componentSelectorLabels" (dict "ctx" $ctx "component" $component) }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "todo-app.componentLabels" (dict "ctx" $ctx "component" $component) | nindent 4 }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- $selector | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "todo-app.podLabels" (dict "ctx" $ctx "component" $component "podLabels" $c.podLabels) | nindent 8 }}
      annotations:
        checksum/config: {{ include (printf "%s/%s-configmap.yaml" $ctx.Template.BasePath $component) $ctx | sha256sum }}
        {{- if .secretEnv }}
        {{- $secrets := $ctx.Values.secrets }}
        checksum/secret: {{ (ternary (print "existing:" $secrets.existingSecret) (include (print $ctx.Template.BasePath "/secret.yaml") $ctx) (ne $secrets.existingSecret "")) | sha256sum }}
        {{- end }}
        {{- if and $ctx.Values.metrics.enabled $ctx.Values.metrics.scrapeAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ index $ctx.Values.metrics.ports $component | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $c.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "todo-app.podSpecCommon" (dict "ctx" $ctx "serviceAccountName" (include "todo-app.serviceAccountName" $ctx)) | nindent 6 }}
      {{- with $c.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
      containers:
        - name: {{ $component }}
          image: {{ include "todo-app.appImage" (dict "ctx" $ctx "component" $component) | quote }}
          imagePullPolicy: {{ $c.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $c.service.port }}
              protocol: TCP
            {{- if $ctx.Values.metrics.enabled }}
            - name: metrics
              containerPort: {{ index $ctx.Values.metrics.ports $component }}
              protocol: TCP
            {{- end }}
          {{- if or .secretEnv $c.extraEnv }}
          env:
            {{- if .secretEnv }}
            {{- include "todo-app.secretEnv" $ctx | nindent 12 }}
            {{- end }}
            {{- with $c.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $name }}
            {{- with $c.extraEnvFrom }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "todo-app.probes" (dict "probes" $c.probes) | nindent 10 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $c.preStopSleepSeconds }}
          securityContext:
            {{- toYaml $ctx.Values.containerSecurityContext | nindent 12 }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          volumeMounts:
            {{- range .scratch }}
            - name: {{ .name }}
              mountPath: {{ .mountPath }}
            {{- end }}
            {{- with $c.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- range .scratch }}
        - name: {{ .name }}
          emptyDir:
            sizeLimit: {{ .sizeLimit }}
        {{- end }}
        {{- with $c.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $c.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.topologySpreadConstraints }}
      {{- /* A constraint without a labelSelector spreads this component's pods. */}}
      {{- $constraints := list }}
      {{- range . }}
      {{- $constraints = append $constraints (ternary . (merge (dict "labelSelector" (dict "matchLabels" ($selector | fromYaml))) .) (hasKey . "labelSelector")) }}
      {{- end }}
      topologySpreadConstraints:
        {{- toYaml $constraints | nindent 8 }}
      {{- end }}
{{- end }}
