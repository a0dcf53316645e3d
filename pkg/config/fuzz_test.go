package config

import "testing"

// FuzzParse feeds arbitrary config values through Parse (decode, defaults,
// validation); it must return an environment or an error, never panic.
func FuzzParse(f *testing.F) {
	f.Add("prod", "aws", `[{"name":"web","image":"nginx:1.27"}]`, `{"vpcCidr":"10.0.0.0/16"}`, `{"adminRoleArns":["`+adminRole+`"]}`, `{}`)
	f.Add("dev", "gcp", `[]`, `{"podsCidr":"10.10.0.0/16"}`, `{"nodeGroups":[{"name":"a","minSize":3,"maxSize":1}]}`, `{"mode":"off"}`)
	f.Add("local", "local", `[{"name":"x","secretEnv":[{"name":"A","fromConfig":"k"}],"autoscaling":{"enabled":false}}]`, ``, `null`, `{"retention":"0s"}`)
	f.Add("prod", "aws", `[{"strategy":"Canary","canaryPercent":150}]`, `{"azCount":-1}`, `{"nodeGroups":[{}]}`, `[]`)
	f.Fuzz(func(t *testing.T, tier, cloud, apps, network, cluster, monitoring string) {
		values := map[string]string{
			"plinth:tier": tier, "plinth:cloud": cloud, "plinth:region": "eu-west-1", "plinth:project": "acme-platform",
			"plinth:apps": apps, "plinth:network": network, "plinth:cluster": cluster, "plinth:monitoring": monitoring,
		}
		env, err := Parse(values, "fuzz")
		if (env == nil) == (err == nil) {
			t.Fatalf("Parse returned env=%v err=%v: want exactly one", env, err)
		}
		if env != nil {
			if verr := env.Validate(); verr != nil {
				t.Fatalf("Parse accepted an environment that Validate rejects: %v", verr)
			}
		}
	})
}
