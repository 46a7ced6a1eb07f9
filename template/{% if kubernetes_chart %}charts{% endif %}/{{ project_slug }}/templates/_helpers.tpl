{{/* Names and labels shared by the chart's resources. */}}

{{- define "app.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's resource name: the release name, with the chart's unless it contains it. */}}
{{- define "app.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "app.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "app.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "app.tokenSecret" -}}
{{- default (printf "%s-token" (include "app.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/* More than one pod can serve at once: the HPA's maximum, or replicaCount. */}}
{{- define "app.scalesOut" -}}
{{- if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.maxReplicas) 1 }}true{{ end }}
{{- else if gt (int .Values.replicaCount) 1 }}true{{ end }}
{{- end }}

{{/* The Host headers the server accepts: its Service's names, and the Ingress host. */}}
{{- define "app.allowedHosts" -}}
{{- $name := include "app.fullname" . }}
{{- $hosts := list $name (printf "%s.%s" $name .Release.Namespace) (printf "%s.%s.svc" $name .Release.Namespace) (printf "%s.%s.svc.cluster.local" $name .Release.Namespace) "localhost" "127.0.0.1" }}
{{- if .Values.ingress.enabled }}
{{- $hosts = append $hosts .Values.ingress.host }}
{{- end }}
{{- join "," $hosts }}
{{- end }}

{{/* Where the server sends OTLP: the sidecar on the pod's loopback (its
receiver's endpoint in otel.collector.config), otel.endpoint, or nowhere. */}}
{{- define "app.otlpEndpoint" -}}
{{- if and .Values.otel.collector.sidecar .Values.otel.endpoint }}
{{- fail "otel.endpoint and otel.collector.sidecar: set one, not both (the sidecar is the endpoint)" }}
{{- else if .Values.otel.collector.sidecar }}http://127.0.0.1:4318
{{- else }}{{ .Values.otel.endpoint }}
{{- end }}
{{- end }}
