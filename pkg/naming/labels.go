package naming

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Kubernetes recommended label keys.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelVersion   = "app.kubernetes.io/version"
	LabelComponent = "app.kubernetes.io/component"
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelManagedBy = "app.kubernetes.io/managed-by"
)

// AppLabels names an application for the Kubernetes recommended labels.
type AppLabels struct {
	// Name is the application name (app.kubernetes.io/name).
	Name string
	// Instance tells apart two installs of the same application, usually
	// the environment or stack (app.kubernetes.io/instance).
	Instance string
	// Version is the application version, usually the image tag; omitted
	// when empty (app.kubernetes.io/version).
	Version string
	// Component is the role inside the architecture, e.g. "server";
	// omitted when empty (app.kubernetes.io/component).
	Component string
	// PartOf is the higher-level system, e.g. the project; omitted when
	// empty (app.kubernetes.io/part-of).
	PartOf string
}

// Labels returns the Kubernetes recommended labels, with managed-by set to
// plinth. Values are made valid label values (at most 63 characters of
// [A-Za-z0-9-_.], alphanumeric at both ends); a version such as a digest
// "sha256:…" is cut to a valid value.
func Labels(l AppLabels) map[string]string {
	out := Selector(l)
	for k, v := range map[string]string{
		LabelVersion:   l.Version,
		LabelComponent: l.Component,
		LabelPartOf:    l.PartOf,
	} {
		if v := LabelValue(v); v != "" {
			out[k] = v
		}
	}
	out[LabelManagedBy] = ManagedBy
	return out
}

// Selector returns the subset of Labels that selects an application's pods:
// name and instance. It never contains the version, because a Deployment's
// selector is immutable and must not change when the image does.
func Selector(l AppLabels) map[string]string {
	out := map[string]string{LabelName: LabelValue(l.Name)}
	if v := LabelValue(l.Instance); v != "" {
		out[LabelInstance] = v
	}
	return out
}

// LabelValue makes s a valid Kubernetes label value: characters outside
// [A-Za-z0-9-_.] become "-", and it is cut to 63 characters and trimmed
// until it starts and ends with an alphanumeric character.
func LabelValue(s string) string {
	if len(validation.IsValidLabelValue(s)) == 0 {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '-'
		}
	}
	out := trunc(string(b), validation.LabelValueMaxLength)
	return strings.Trim(out, "-_.")
}

// PodSecurityRestricted are the labels that make a namespace enforce,
// audit and warn at the Pod Security Standards "restricted" level: those
// of every namespace a plinth component creates for its own pods.
var PodSecurityRestricted = map[string]string{
	"pod-security.kubernetes.io/enforce":         "restricted",
	"pod-security.kubernetes.io/enforce-version": "latest",
	"pod-security.kubernetes.io/audit":           "restricted",
	"pod-security.kubernetes.io/warn":            "restricted",
}
