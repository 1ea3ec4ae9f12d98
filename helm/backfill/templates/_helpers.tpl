{{- define "backfill.fullname" -}}
{{- printf "%s-backfill" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "backfill.labels" -}}
app.kubernetes.io/name: backfill
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "backfill.env" -}}
- name: BACKFILL_LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
{{- range .Values.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .secretKey }}
{{- end }}
{{- end -}}

{{- define "backfill.volumes" -}}
- name: job-file
  configMap:
    name: {{ include "backfill.fullname" . }}-job
- name: tmp
  emptyDir: {}
{{- end -}}

{{- define "backfill.mounts" -}}
- name: job-file
  mountPath: /etc/backfill
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}
