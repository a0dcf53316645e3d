package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"

	"github.com/plinth-dev/plinth/pkg/problem"
)

// Keys lists the non-secret config keys plinth reads, without the
// "plinth:" prefix.
var Keys = []string{
	"name", "tier", "cloud", "region", "project", "owner", "costCenter",
	"network", "cluster", "apps", "monitoring", "ecs", "waivers", "gateway", "rollouts", "delivery", "gitops",
	"imagePolicy",
}

// SecretKeys lists the well-known secret config keys. Applications may name
// more through SecretEnv.FromConfig.
var SecretKeys = []string{SecretGrafanaAdminPassword, SecretPagingURL, SecretChatURL, SecretGitOpsAgeKey, SecretGitOpsPassword, SecretGitOpsSSHKey}

// Parse builds an Environment from config values keyed "plinth:<key>" (the
// form Pulumi passes them to programs; structured values are JSON), fills
// the tier defaults and validates the result. stack is the stack name, the
// default environment name. Keys outside the plinth namespace are ignored;
// unknown plinth keys are rejected, so typos fail instead of silently
// falling back to a default. Every problem is reported, each with its
// config path.
func Parse(values map[string]string, stack string) (*Environment, error) {
	p := problem.List{Prefix: Namespace + ":"}
	env := &Environment{}

	str := func(key string, dst *string) {
		if v, ok := values[Namespace+":"+key]; ok {
			*dst = v
		}
	}
	str("name", &env.Name)
	str("tier", (*string)(&env.Tier))
	str("cloud", (*string)(&env.Cloud))
	str("region", &env.Region)
	str("project", &env.Project)
	str("owner", &env.Owner)
	str("costCenter", &env.CostCenter)
	decodeKey(&p, values, "network", &env.Network)
	decodeKey(&p, values, "cluster", &env.Cluster)
	decodeKey(&p, values, "monitoring", &env.Monitoring)
	decodeKey(&p, values, "rollouts", &env.Rollouts)
	if _, ok := values[Namespace+":gateway"]; ok {
		env.Gateway = &Gateway{}
		decodeKey(&p, values, "gateway", env.Gateway)
	}
	str("delivery", &env.Delivery)
	if _, ok := values[Namespace+":gitops"]; ok {
		env.GitOps = &GitOps{}
		decodeKey(&p, values, "gitops", env.GitOps)
	}
	if _, ok := values[Namespace+":imagePolicy"]; ok {
		env.ImagePolicy = &ImagePolicy{}
		decodeKey(&p, values, "imagePolicy", env.ImagePolicy)
	}
	if _, ok := values[Namespace+":ecs"]; ok {
		env.ECS = &ECSService{}
		decodeKey(&p, values, "ecs", env.ECS)
	}
	if raw, ok := values[Namespace+":waivers"]; ok {
		var items []json.RawMessage
		if err := json.Unmarshal([]byte(raw), &items); err != nil {
			p.Addf("waivers", "is not a list (%v): write it as a YAML list of {rule, resource, reason}", err)
		}
		for i, item := range items {
			var w Waiver
			decode(&p, fmt.Sprintf("waivers[%d]", i), item, &w)
			env.Waivers = append(env.Waivers, w)
		}
	}
	if raw, ok := values[Namespace+":apps"]; ok {
		var items []json.RawMessage
		if err := json.Unmarshal([]byte(raw), &items); err != nil {
			p.Addf("apps", "is not a list of applications (%v): write it as a YAML list of objects", err)
		}
		for i, item := range items {
			var a App
			decode(&p, fmt.Sprintf("apps[%d]", i), item, &a)
			env.Apps = append(env.Apps, a)
		}
	}

	known := map[string]bool{}
	for _, k := range append(slices.Clone(Keys), SecretKeys...) {
		known[k] = true
	}
	for _, a := range env.Apps {
		for _, s := range a.SecretEnv {
			if s.FromConfig != "" {
				known[s.FromConfig] = true
			}
		}
	}
	var unknown []string
	for k := range values {
		if key, ok := strings.CutPrefix(k, Namespace+":"); ok && !known[key] {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	for _, key := range unknown {
		hint := "check its spelling"
		if near := Nearest(key, append(slices.Clone(Keys), SecretKeys...)); near != "" {
			hint = fmt.Sprintf("did you mean %s:%s?", Namespace, near)
		}
		p.Addf(key, "is not a plinth setting, so it would be ignored: %s (settings: %s; secrets: %s, or a key named by apps[].secretEnv[].fromConfig)",
			hint, strings.Join(Keys, ", "), strings.Join(SecretKeys, ", "))
	}

	if p.Len() > 0 {
		return nil, p.Err()
	}
	env.applyDefaults(stack)
	env.validate(&p)
	env.checkSecretsSet(&p, values)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return env, nil
}

// checkSecretsSet reports secrets the environment needs but values lacks.
func (e *Environment) checkSecretsSet(p *problem.List, values map[string]string) {
	set := func(k string) bool { _, ok := values[Namespace+":"+k]; return ok }
	if e.Monitoring.Mode == MonitoringInstall && !set(SecretGrafanaAdminPassword) {
		p.Addf(SecretGrafanaAdminPassword, "is not set and monitoring.mode is \"install\": run `pulumi config set --secret %s:%s <password>`", Namespace, SecretGrafanaAdminPassword)
	}
	if g := e.GitOps; g != nil {
		if !set(SecretGitOpsAgeKey) {
			p.Addf(SecretGitOpsAgeKey, "is not set and delivery is \"gitops\": Secrets go into the repository encrypted to it; run `age-keygen` and `pulumi config set --secret %s:%s <AGE-SECRET-KEY-1…>`", Namespace, SecretGitOpsAgeKey)
		}
		if g.Username != "" && !set(SecretGitOpsPassword) {
			p.Addf(SecretGitOpsPassword, "is not set and gitops.username is: run `pulumi config set --secret %s:%s <token>`", Namespace, SecretGitOpsPassword)
		}
		if strings.HasPrefix(g.URL, "ssh://") && !set(SecretGitOpsSSHKey) {
			p.Addf(SecretGitOpsSSHKey, "is not set and gitops.url is ssh: run `pulumi config set --secret %s:%s < deploy_key`", Namespace, SecretGitOpsSSHKey)
		}
	}
	for i, a := range e.Apps {
		for j, s := range a.SecretEnv {
			if s.FromConfig != "" && !set(s.FromConfig) && !slices.Contains(Keys, s.FromConfig) {
				p.Addf(fmt.Sprintf("apps[%d].secretEnv[%d].fromConfig", i, j),
					"names %q, which is not set: run `pulumi config set --secret %s:%s <value>`", s.FromConfig, Namespace, s.FromConfig)
			}
		}
	}
}

func decodeKey(p *problem.List, values map[string]string, key string, dst any) {
	raw, ok := values[Namespace+":"+key]
	if !ok {
		return
	}
	decode(p, key, []byte(raw), dst)
}

// decode decodes raw strictly into dst and reports errors at their config
// path.
func decode(p *problem.List, path string, raw []byte, dst any) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the value")
	}
	if err == nil {
		return
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := path
		if typeErr.Field != "" {
			field = path + "." + typeErr.Field
		}
		p.Addf(field, "is a %s, want %s: fix its type", typeErr.Value, jsonKind(typeErr.Type.String()))
	case errors.As(err, &syntaxErr):
		p.Addf(path, "is not valid structured config (%v at offset %d): write it as YAML in the stack file", syntaxErr, syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		hint := "check its spelling against the documented fields"
		if near := Nearest(field, jsonFields(dst)); near != "" {
			hint = fmt.Sprintf("did you mean %q?", near)
		}
		p.Addf(path, "has %s: %s", strings.TrimPrefix(err.Error(), "json: "), hint)
	default:
		p.Addf(path, "is not valid structured config (%v): write it as YAML in the stack file", err)
	}
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "config."):
		return "an object"
	case strings.Contains(goType, "int"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	default:
		return "a string"
	}
}

// Nearest returns the candidate closest to key in edit distance, when it
// is close enough to be a misspelling of it (at most 2 edits, or a third
// of the key's length for a longer key; a swap of two letters is 2), or
// "".
func Nearest(key string, candidates []string) string {
	best, bestDist := "", max(2, len(key)/3)+1
	for _, c := range candidates {
		if d := levenshtein.Distance(strings.ToLower(key), strings.ToLower(c), nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// jsonFields returns the JSON field names of the struct dst points to and
// of the structs inside it, at any depth (the decoder's error names the
// unknown field, not the object it is in).
func jsonFields(dst any) []string {
	seen := map[reflect.Type]bool{}
	var out []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				out = append(out, name)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(dst))
	return out
}
