package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/config"
)

// StackFile reads a Pulumi.<stack>.yaml and returns its config as Pulumi
// passes it to programs (structured values as JSON) and, separately, the
// keys whose values are encrypted ("secure:"), each with a stand-in value
// named after its key: reading the real value needs the stack's secrets
// provider, and the policy report and the tests only need to know the
// secret is there.
func StackFile(path string) (values, secrets map[string]string, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var file struct {
		Config map[string]any `json:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	values, secrets = map[string]string{}, map[string]string{}
	for k, v := range file.Config {
		if m, ok := v.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			secrets[k] = "stand-in-for-" + k
			continue
		}
		switch v := v.(type) {
		case string:
			values[k] = v
		case map[string]any, []any:
			b, _ := json.Marshal(v)
			values[k] = string(b)
		default:
			values[k] = fmt.Sprint(v)
		}
	}
	return values, secrets, nil
}

// CheckStackFile parses a stack file's whole config as the program will
// (config.Parse), with stand-ins for its secrets. The program reads only
// the keys it knows (the Go SDK lists no others to an inline program), so
// this is where a misspelt key such as plinth:appz is refused, before the
// engine starts, instead of the stack deploying without its apps.
func CheckStackFile(path, stack string) error {
	values, secrets, err := StackFile(path)
	if err != nil {
		return err
	}
	all := maps.Clone(values)
	maps.Copy(all, secrets)
	if _, err := config.Parse(all, stack); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
