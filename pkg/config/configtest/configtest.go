// Package configtest holds stack configs for tests: a valid environment
// per cloud, as the flat "plinth:<key>" values Pulumi passes a program,
// and a way to change them one key at a time.
package configtest

import "maps"

// AdminRole is the EKS admin role of AWS.
const AdminRole = "arn:aws:iam::123456789012:role/platform-admin"

// Unset, as a value, removes the key.
const Unset = "<unset>"

// AWS is a valid prod environment on AWS.
func AWS() map[string]string {
	return map[string]string{
		"plinth:tier":                 "prod",
		"plinth:cloud":                "aws",
		"plinth:region":               "eu-west-1",
		"plinth:cluster":              `{"adminRoleArns":["` + AdminRole + `"],"autoscaler":{"repository":"https://charts.example.com/autoscaler"},"privateAccessCidrs":["10.100.0.0/24"]}`,
		"plinth:apps":                 `[{"name":"web","image":"ghcr.io/acme/web:1.4.2"}]`,
		"plinth:monitoring":           `{"repository":"https://charts.example.com/prometheus-community"}`,
		"plinth:grafanaAdminPassword": "s3cret",
		"aws:region":                  "eu-west-1",
	}
}

// GCP is a valid dev environment on GCP.
func GCP() map[string]string {
	return map[string]string{
		"plinth:tier":                 "dev",
		"plinth:cloud":                "gcp",
		"plinth:region":               "europe-west1",
		"plinth:project":              "acme-platform",
		"plinth:cluster":              `{"authorizedNetworks":["203.0.113.0/24"]}`,
		"plinth:monitoring":           `{"repository":"https://charts.example.com/prometheus-community"}`,
		"plinth:grafanaAdminPassword": "s3cret",
	}
}

// Local is a valid local environment.
func Local() map[string]string {
	return map[string]string{
		"plinth:tier":       "local",
		"plinth:cloud":      "local",
		"plinth:apps":       `[{"name":"web","image":"ghcr.io/acme/web:1.4.2","secretEnv":[{"name":"DB_PASSWORD","fromConfig":"dbPassword"}]}]`,
		"plinth:dbPassword": "pw",
	}
}

// With returns base with each key set to its value (key, value, key,
// value, …); Unset removes the key.
func With(base map[string]string, kv ...string) map[string]string {
	m := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == Unset {
			delete(m, kv[i])
			continue
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

// App is an application entry of plinth:apps with extra fields (JSON,
// starting with a comma).
func App(fields string) string {
	return `[{"name":"web","image":"ghcr.io/acme/web:1.4.2"` + fields + `}]`
}
