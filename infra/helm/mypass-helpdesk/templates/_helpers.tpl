{{/* Names and labels. */}}
{{- define "mypass-helpdesk.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mypass-helpdesk.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "mypass-helpdesk.labels" -}}
{{ include "mypass-helpdesk.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* The workloads: the bot always; the portal's own one only with portal.mode=separate. Each says its PORTAL. */}}
{{- define "mypass-helpdesk.components" -}}
{{- $portal := .Values.portal.mode -}}
{{- $list := list (dict "name" "bot" "values" .Values.bot "portalMode" (ternary "on" "off" (eq $portal "combined"))) -}}
{{- if eq $portal "separate" -}}
{{- $list = append $list (dict "name" "portal" "values" .Values.portal "portalMode" "only") -}}
{{- end -}}
{{- toJson $list -}}
{{- end -}}

{{/* The Service that serves the portal's pages. */}}
{{- define "mypass-helpdesk.portalService" -}}
{{ include "mypass-helpdesk.fullname" . }}-{{ ternary "portal" "bot" (eq .Values.portal.mode "separate") }}
{{- end -}}

{{/* The Secret every pod reads its secret variables from. */}}
{{- define "mypass-helpdesk.secretName" -}}
{{- if eq .Values.secrets.source "keyVault" -}}
{{ include "mypass-helpdesk.fullname" . }}-keyvault
{{- else -}}
{{ required "secrets.cluster.secretName is required" .Values.secrets.cluster.secretName }}
{{- end -}}
{{- end -}}

{{/*
Variables that hold a credential: never a chart value (they would sit in plain text in the release and
the pod spec). The set mirrors README's configuration table.
*/}}
{{- define "mypass-helpdesk.secretVariables" -}}
STORE_URL SECRETS_KEY LDAP_BIND_PASSWORD MicrosoftAppPassword SLACK_BOT_TOKEN SLACK_SIGNING_SECRET GRAPH_CLIENT_SECRET TWILIO_AUTH_TOKEN TICKETS_TOKEN PORTAL_API_TOKEN
{{- end -}}

{{/* Refuses values that would deploy something unsafe or broken, with one line saying what to change. */}}
{{- define "mypass-helpdesk.validate" -}}
{{- $secretVars := splitList " " (include "mypass-helpdesk.secretVariables" .) -}}
{{- range $key, $_ := .Values.config -}}
{{- if has $key $secretVars -}}
{{- fail (printf "config.%s is a secret: put it in the %s (secrets.source), never in the chart's values" $key (ternary "Key Vault" "cluster Secret" (eq $.Values.secrets.source "keyVault"))) -}}
{{- end -}}
{{- if has $key (list "NODE_ENV" "PORT" "PORTAL" "METRICS_PORT" "LDAP_CA_FILE" "HOST" "LOCAL_CONSOLE") -}}
{{- fail (printf "config.%s is set by the chart (port, portal.mode, metrics, ldapCa); remove it from config" $key) -}}
{{- end -}}
{{- end -}}
{{- if eq .Values.secrets.source "keyVault" -}}
{{- $kv := .Values.secrets.keyVault -}}
{{- if or (not $kv.vaultName) (not $kv.tenantId) (not $kv.clientId) -}}
{{- fail "secrets.keyVault: vaultName, tenantId and clientId are required with secrets.source=keyVault" -}}
{{- end -}}
{{- $mapped := list -}}
{{- range $kv.objects }}{{ $mapped = append $mapped .env }}{{ end -}}
{{- range .Values.secrets.required -}}
{{- if not (has . $mapped) -}}
{{- fail (printf "secrets.keyVault.objects: map a vault secret to %s (it is in secrets.required)" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
