package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// The GitOps layout `gitops render` writes into a repository:
//
//	.sops.yaml                         sops creation rules, per environment
//	apps/<app>/base/                   what every environment running the
//	  kustomization.yaml               app has in common: its objects as the
//	  <kind>-<namespace>-<name>.yaml   app component composes them
//	envs/<env>/kustomization.yaml      the overlay: the base of each app it
//	                                   runs, its images, its patches
//	envs/<env>/namespace-<ns>.yaml     the applications' namespaces
//	envs/<env>/patches/…yaml           how this environment differs from the
//	                                   base (JSON 6902 "add" operations)
//	envs/<env>/objects/…yaml           objects only some environments have
//	envs/<env>/secrets/…yaml           Secrets, sops-encrypted (age)
//
// Every environment with delivery gitops in the directory's stack files
// is rendered from its config, through the same components and
// validation as a Pulumi deploy, composed under mocks: nothing reaches a
// cloud or a cluster. A container's image is written in the base as a
// name (the app's, "<app>-green", "<app>-canary") that the overlay's
// images set: from the config for the first environment, and for one
// with gitops.promoteFrom only by `gitops promote` once set (its config
// gives the first; see promoted). Output is stable: sorted, no timestamps, a file
// written only when its content changes, an unchanged Secret kept as it
// is encrypted.

// renderDirs are the directories the renderer owns in the repository.
const (
	appsDir = "apps"
	envsDir = "envs"
)

// renderOptions are the inputs of a render beyond the stack files.
type renderOptions struct {
	// Root holds Pulumi.yaml and the stack files.
	Root string
	// Repo is the repository's work tree.
	Repo string
	// Stack, if set, is the stack whose Secrets are rendered, with its
	// decrypted secret config in Secrets (keys "plinth:<key>").
	Stack   string
	Secrets map[string]string
	// Sops encrypts and decrypts the Secrets.
	Sops secretTool
	// Out receives what changed.
	Out io.Writer
}

// obj is one Kubernetes object as the components register it.
type obj = map[string]any

// renderedEnv is one environment's applications, composed.
type renderedEnv struct {
	env        *config.Environment
	namespaces []obj
	// apps are each application's objects, Secrets excluded.
	apps map[string][]obj
	// secrets are the Secrets, with their plaintext (only for the stack
	// being rendered).
	secrets []obj
	// images are each image name's reference, from the config.
	images map[string]string
}

// eachStackValues calls f with each stack file of root: its values, and
// a stand-in for each secret (StackFile).
func eachStackValues(root string, f func(stack string, values, secrets map[string]string) error) error {
	paths, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	if err != nil {
		return err
	}
	for _, path := range paths {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "Pulumi."), ".yaml")
		values, secrets, err := StackFile(path)
		if err != nil {
			return err
		}
		if err := f(stack, values, secrets); err != nil {
			return err
		}
	}
	return nil
}

// gitopsEnvs reads every stack file of root whose delivery is gitops;
// only's secrets are the decrypted secrets given.
func gitopsEnvs(root, only string, secrets map[string]string) (map[string]*config.Environment, error) {
	out := map[string]*config.Environment{}
	err := eachStackValues(root, func(stack string, values, placeholders map[string]string) error {
		all := maps.Clone(values)
		if stack == only {
			maps.Copy(all, secrets)
		} else {
			maps.Copy(all, placeholders)
		}
		env, err := config.Parse(all, stack)
		if err != nil {
			return fmt.Errorf("stack %s: %w", stack, err)
		}
		if !gitops(env) {
			return nil
		}
		// The stack being rendered has its secrets; the others have
		// stand-ins, and their Secrets are not written.
		own := placeholders
		if stack == only {
			own = secrets
		}
		env.Secrets = map[string]pulumi.StringOutput{}
		for k, v := range own {
			if key, ok := strings.CutPrefix(k, config.Namespace+":"); ok {
				env.Secrets[key] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
			}
		}
		out[stack] = env
		return nil
	})
	return out, err
}

// compose composes env's namespaces and applications under mocks, as the
// stack program would in Pulumi delivery.
func compose(env *config.Environment, stack string) (*renderedEnv, error) {
	apps := map[string]app.Args{}
	for _, a := range env.Apps {
		apps[a.Name] = appArgs(env, a)
		if a.CloudIdentity && env.Cloud == config.CloudGCP {
			args := apps[a.Name]
			args.ServiceAccount.GCPServiceAccount = pulumi.String(gcpServiceAccountEmail(projectName, stack, a.Name, env.Project))
			apps[a.Name] = args
		}
	}
	if err := errors.Join(validateApps(env, apps), validateGitOps(env)); err != nil {
		return nil, err
	}
	if nodeLocalDNS(env) {
		withNodeLocalDNS(apps)
	}
	s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		nsByName, err := createNamespaces(ctx, env)
		if err != nil {
			return err
		}
		for _, a := range env.Apps {
			args := apps[a.Name]
			args.NamespaceObject = nsByName[a.Namespace]
			if _, err := app.New(ctx, a.Name, args, pulumi.DependsOn([]pulumi.Resource{nsByName[a.Namespace]})); err != nil {
				return err
			}
		}
		return nil
	}, plinthtest.WithProject(projectName), plinthtest.WithStack(stack))
	if err != nil {
		return nil, err
	}
	c := &renderedEnv{env: env, apps: map[string][]obj{}, images: map[string]string{}}
	appOf := map[string]string{} // component URN → app name
	for _, r := range s.Resources {
		if r.Type == app.TypeToken {
			appOf[r.URN] = r.Name
		}
	}
	for _, a := range env.Apps {
		c.images[a.Name] = a.Image
		if a.GreenImage != "" {
			c.images[a.Name+"-green"] = a.GreenImage
		}
		if a.CanaryImage != "" {
			c.images[a.Name+"-canary"] = a.CanaryImage
		}
	}
	for _, r := range s.Resources {
		if !r.Custom || !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		o, err := manifest(r)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.Type, r.Name, err)
		}
		name := appOf[r.Parent]
		switch {
		case o["kind"] == "Namespace":
			c.namespaces = append(c.namespaces, o)
		case name == "":
			return nil, fmt.Errorf("%s %s belongs to no application: the renderer knows only namespaces and the app component's objects", r.Type, r.Name)
		case o["kind"] == "Secret":
			c.secrets = append(c.secrets, o)
		default:
			c.apps[name] = append(c.apps[name], c.nameImages(name, o))
		}
	}
	return c, nil
}

// manifest turns a registered Kubernetes resource's inputs into the
// object: secrets unwrapped (the caller encrypts Secrets), plinth's
// ownership label and Pulumi's annotations left out (Flux owns the object,
// and the stack's prune must never see it as its own). A value not known
// when composing (an output of another resource) is an error.
func manifest(r plinthtest.Resource) (obj, error) {
	v, err := plainKnown(resource.NewObjectProperty(r.Inputs), "")
	if err != nil {
		return nil, err
	}
	o := v.(map[string]any)
	md, _ := o["metadata"].(map[string]any)
	if name, _ := md["name"].(string); name == "" {
		return nil, errors.New("has no metadata.name: the provider would name it at random, which a repository cannot hold")
	}
	if l, ok := md["labels"].(map[string]any); ok {
		delete(l, naming.LabelStack)
	}
	if a, ok := md["annotations"].(map[string]any); ok {
		for k := range a {
			if strings.HasPrefix(k, "pulumi.com/") {
				delete(a, k)
			}
		}
		if len(a) == 0 {
			delete(md, "annotations")
		}
	}
	return o, nil
}

// plainKnown is plinthtest.Plain, refusing unknown values and resource
// references, which have no manifest form.
func plainKnown(v resource.PropertyValue, path string) (any, error) {
	switch {
	case v.IsSecret():
		return plainKnown(v.SecretValue().Element, path)
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return nil, fmt.Errorf("%s is not known until the up (an output of another resource): GitOps delivery cannot render it", strings.TrimPrefix(path, "."))
	case v.IsOutput():
		return plainKnown(v.OutputValue().Element, path)
	case v.IsResourceReference():
		return nil, fmt.Errorf("%s is a resource reference", strings.TrimPrefix(path, "."))
	case v.IsObject():
		m := map[string]any{}
		for k, e := range v.ObjectValue() {
			x, err := plainKnown(e, path+"."+string(k))
			if err != nil {
				return nil, err
			}
			m[string(k)] = x
		}
		return m, nil
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := plainKnown(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	default:
		return plinthtest.Plain(v), nil
	}
}

// nameImages replaces each container image of app's object by its name
// in c.images, which the overlay's images set.
func (c *renderedEnv) nameImages(appName string, o obj) obj {
	byRef := map[string]string{}
	for _, n := range slices.Sorted(maps.Keys(c.images)) {
		if n == appName || strings.HasPrefix(n, appName+"-") {
			if _, dup := byRef[c.images[n]]; !dup {
				byRef[c.images[n]] = n
			}
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "containers" || k == "initContainers" {
					if list, ok := e.([]any); ok {
						for _, ct := range list {
							if m, ok := ct.(map[string]any); ok {
								if n, ok := byRef[fmt.Sprint(m["image"])]; ok {
									m["image"] = n
								}
							}
						}
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(o)
	return o
}

// key identifies an object: its kind, namespace and name.
func key(o obj) string {
	md, _ := o["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	name, _ := md["name"].(string)
	return strings.ToLower(fmt.Sprint(o["kind"])) + "-" + cmpOr(ns, "cluster") + "-" + name
}

// common returns what all of vs share: a map's keys that every value
// has, with their common values; a list of maps element by element when
// every list has the same length; anything else when all are equal.
func common(vs []any) (any, bool) {
	first := vs[0]
	switch f := first.(type) {
	case map[string]any:
		ms := make([]map[string]any, len(vs))
		for i, v := range vs {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			ms[i] = m
		}
		out := map[string]any{}
		for k := range f {
			var children []any
			for _, m := range ms {
				c, ok := m[k]
				if !ok {
					break
				}
				children = append(children, c)
			}
			if len(children) != len(ms) {
				continue
			}
			if c, ok := common(children); ok {
				out[k] = c
			}
		}
		return out, true
	case []any:
		allMaps := true
		for _, v := range vs {
			l, ok := v.([]any)
			if !ok || len(l) != len(f) {
				return nil, false
			}
			for _, e := range l {
				if _, ok := e.(map[string]any); !ok {
					allMaps = false
				}
			}
		}
		if !allMaps {
			break
		}
		out := make([]any, len(f))
		for i := range f {
			var elems []any
			for _, v := range vs {
				elems = append(elems, v.([]any)[i])
			}
			c, _ := common(elems)
			out[i] = c
		}
		return out, true
	}
	for _, v := range vs[1:] {
		if !reflect.DeepEqual(v, first) {
			return nil, false
		}
	}
	return first, true
}

// jsonPatchOp is one JSON 6902 operation.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// additions are the operations that turn base into v, where base is what
// common made of v and others: only "add", in a stable order.
func additions(base, v any, path string) []jsonPatchOp {
	switch vv := v.(type) {
	case map[string]any:
		bm, _ := base.(map[string]any)
		var ops []jsonPatchOp
		for _, k := range slices.Sorted(maps.Keys(vv)) {
			p := path + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			if b, ok := bm[k]; ok {
				ops = append(ops, additions(b, vv[k], p)...)
			} else {
				ops = append(ops, jsonPatchOp{Op: "add", Path: p, Value: vv[k]})
			}
		}
		return ops
	case []any:
		bl, _ := base.([]any)
		var ops []jsonPatchOp
		for i := range vv {
			ops = append(ops, additions(bl[i], vv[i], fmt.Sprintf("%s/%d", path, i))...)
		}
		return ops
	}
	return nil
}

// kustomization is the part of a kustomization.yaml the renderer writes.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []kImage `json:"images,omitempty"`
	Patches    []kPatch `json:"patches,omitempty"`
}

type kImage struct {
	Name    string `json:"name"`
	NewName string `json:"newName,omitempty"`
	NewTag  string `json:"newTag,omitempty"`
	Digest  string `json:"digest,omitempty"`
}

type kPatch struct {
	Path   string  `json:"path"`
	Target kTarget `json:"target"`
}

type kTarget struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// withoutImageDerived removes from a base object what follows its images,
// which are each environment's: the version label and the pull policy
// (IfNotPresent for a digest). In the base, they would move in and out
// as environments happen to agree, so a promotion would rewrite the
// overlays of environments it does not touch.
func withoutImageDerived(o obj) {
	for _, labels := range []string{"metadata.labels", "spec.template.metadata.labels"} {
		if m, ok := dig(o, labels).(map[string]any); ok {
			delete(m, naming.LabelVersion)
		}
	}
	for _, list := range []string{"spec.template.spec.containers", "spec.template.spec.initContainers"} {
		cs, _ := dig(o, list).([]any)
		for _, c := range cs {
			if m, ok := c.(map[string]any); ok {
				delete(m, "imagePullPolicy")
			}
		}
	}
}

// dig returns the value at a dotted path of maps, or nil.
func dig(o map[string]any, path string) any {
	var cur any = o
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// imageEntry is the overlay's image for name, from a reference.
func imageEntry(name, ref string) (kImage, error) {
	r, err := imageref.Parse(ref)
	if err != nil {
		return kImage{}, err
	}
	// Both the tag and the digest: kustomize writes "name:tag@digest"
	// when an entry has both (api/filters/imagetag), so an image given
	// as tag@digest comes back from the overlay as it was given.
	return kImage{Name: name, NewName: r.Name, NewTag: r.Tag, Digest: r.Digest}, nil
}

// files is the layout being written: path (relative to the repository) →
// content.
type files map[string][]byte

func (f files) yaml(path string, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f[path] = b
	return nil
}

// renderGitOps writes the layout of every gitops environment in o.Root
// into o.Repo, and o.Stack's Secrets, encrypted. It returns the paths it
// wrote or removed.
func renderGitOps(o renderOptions) ([]string, error) {
	envs, err := gitopsEnvs(o.Root, o.Stack, o.Secrets)
	if err != nil {
		return nil, err
	}
	if len(envs) == 0 {
		return nil, fmt.Errorf("no stack in %s has plinth:delivery gitops: nothing to render", o.Root)
	}
	if o.Stack != "" && envs[o.Stack] == nil {
		return nil, fmt.Errorf("stack %s does not have plinth:delivery gitops", o.Stack)
	}
	stacks := slices.Sorted(maps.Keys(envs))
	all := map[string]*renderedEnv{}
	for _, s := range stacks {
		promoted(envs[s], o.Repo)
		c, err := compose(envs[s], s)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", s, err)
		}
		all[s] = c
	}
	out := files{}
	// The bases: per app, the objects every environment running it has,
	// with what they have in common.
	runs := map[string][]string{} // app → stacks
	for _, s := range stacks {
		for a := range all[s].apps {
			runs[a] = append(runs[a], s)
		}
	}
	base := map[string]map[string]obj{} // app → key → common object
	for _, a := range slices.Sorted(maps.Keys(runs)) {
		byKey := map[string][]any{}
		for _, s := range runs[a] {
			for _, ob := range all[s].apps[a] {
				byKey[key(ob)] = append(byKey[key(ob)], ob)
			}
		}
		base[a] = map[string]obj{}
		var resources []string
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			if len(byKey[k]) != len(runs[a]) {
				continue // not in every environment: an overlay's object
			}
			c, _ := common(byKey[k])
			withoutImageDerived(c.(obj))
			base[a][k] = c.(obj)
			file := k + ".yaml"
			resources = append(resources, file)
			if err := out.yaml(filepath.Join(appsDir, a, "base", file), c); err != nil {
				return nil, err
			}
		}
		if err := out.yaml(filepath.Join(appsDir, a, "base", "kustomization.yaml"), kustomization{
			APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Resources: resources,
		}); err != nil {
			return nil, err
		}
	}
	var secretFiles []string
	for _, s := range stacks {
		written, err := renderOverlay(o, out, all[s], s, base)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", s, err)
		}
		secretFiles = append(secretFiles, written...)
	}
	if err := sopsRules(o, out, envs); err != nil {
		return nil, err
	}
	return syncLayout(o.Repo, out, stacks, secretFiles)
}

// renderOverlay adds env's overlay to out, and its Secrets when it is
// the stack being rendered; it returns the Secret files the overlay
// lists (kept as they are when not rendered).
func renderOverlay(o renderOptions, out files, c *renderedEnv, stack string, base map[string]map[string]obj) ([]string, error) {
	dir := filepath.Join(envsDir, c.env.Name)
	if rel := filepath.ToSlash(filepath.Clean(c.env.GitOps.Path)); rel != filepath.ToSlash(dir) {
		return nil, fmt.Errorf("plinth:gitops.path is %q: the renderer writes an environment's overlay to %s; leave path unset", rel, dir)
	}
	k := kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization"}
	for _, ns := range c.namespaces {
		file := "namespace-" + key(ns)[len("namespace-cluster-"):] + ".yaml"
		k.Resources = append(k.Resources, file)
		if err := out.yaml(filepath.Join(dir, file), ns); err != nil {
			return nil, err
		}
	}
	for _, a := range slices.Sorted(maps.Keys(c.apps)) {
		k.Resources = append(k.Resources, filepath.ToSlash(filepath.Join("..", "..", appsDir, a, "base")))
		for _, ob := range c.apps[a] {
			kk := key(ob)
			b, inBase := base[a][kk]
			if !inBase {
				file := filepath.ToSlash(filepath.Join("objects", kk+".yaml"))
				k.Resources = append(k.Resources, file)
				if err := out.yaml(filepath.Join(dir, file), ob); err != nil {
					return nil, err
				}
				continue
			}
			ops := additions(b, ob, "")
			if len(ops) == 0 {
				continue
			}
			file := filepath.ToSlash(filepath.Join("patches", kk+".yaml"))
			if err := out.yaml(filepath.Join(dir, file), ops); err != nil {
				return nil, err
			}
			group, version, _ := strings.Cut(fmt.Sprint(ob["apiVersion"]), "/")
			if version == "" {
				group, version = "", group
			}
			md := ob["metadata"].(map[string]any)
			ns, _ := md["namespace"].(string)
			k.Patches = append(k.Patches, kPatch{Path: file, Target: kTarget{
				Group: group, Version: version, Kind: fmt.Sprint(ob["kind"]), Name: fmt.Sprint(md["name"]), Namespace: ns,
			}})
		}
	}
	// Images: the ones the environment was composed with (promoted).
	for _, n := range slices.Sorted(maps.Keys(c.images)) {
		img, err := imageEntry(n, c.images[n])
		if err != nil {
			return nil, err
		}
		k.Images = append(k.Images, img)
	}
	// Secrets: encrypted, one file each.
	var listed []string
	for _, sec := range c.secrets {
		file := filepath.ToSlash(filepath.Join("secrets", key(sec)[len("secret-"):]+".yaml"))
		path := filepath.Join(dir, file)
		k.Resources = append(k.Resources, file)
		listed = append(listed, path)
		if stack != o.Stack {
			continue // kept as it is in the repository
		}
		enc, err := encryptSecret(o, c.env, path, sec)
		if err != nil {
			return nil, err
		}
		out[path] = enc
	}
	sort.Strings(k.Resources)
	sort.Slice(k.Patches, func(i, j int) bool { return k.Patches[i].Path < k.Patches[j].Path })
	return listed, out.yaml(filepath.Join(dir, "kustomization.yaml"), k)
}

// promoted gives an environment promoted from another (gitops.promoteFrom)
// the images its overlay in repo already has: they change only by
// promotion, and its config gives only the first. The environment is then
// composed with them, so the objects' version labels follow the images.
func promoted(env *config.Environment, repo string) {
	if env.GitOps.PromoteFrom == "" {
		return
	}
	current := readImages(filepath.Join(repo, envsDir, env.Name, "kustomization.yaml"))
	for i := range env.Apps {
		a := &env.Apps[i]
		for name, ref := range map[string]*string{a.Name: &a.Image, a.Name + "-green": &a.GreenImage, a.Name + "-canary": &a.CanaryImage} {
			if img, ok := current[name]; ok && *ref != "" {
				*ref = describeImage(img)
			}
		}
	}
}

// readImages reads the images of an overlay's kustomization.yaml, by
// name; none if it does not exist.
func readImages(path string) map[string]kImage {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var k kustomization
	if yaml.Unmarshal(raw, &k) != nil {
		return nil
	}
	out := map[string]kImage{}
	for _, img := range k.Images {
		out[img.Name] = img
	}
	return out
}

// syncLayout makes the renderer's part of the repository equal to out: it
// writes each file whose content differs, and removes the files under
// apps/ and the rendered environments' directories that out no longer
// has, except keep (Secrets not rendered this time). It returns what
// changed, sorted.
func syncLayout(repo string, out files, stacks []string, keep []string) ([]string, error) {
	var changed []string
	for _, path := range slices.Sorted(maps.Keys(out)) {
		full := filepath.Join(repo, path)
		if old, err := os.ReadFile(full); err == nil && bytes.Equal(old, out[path]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		mode := os.FileMode(0o644)
		if err := os.WriteFile(full, out[path], mode); err != nil {
			return nil, err
		}
		changed = append(changed, path)
	}
	owned := []string{appsDir}
	for _, s := range stacks {
		owned = append(owned, filepath.Join(envsDir, s))
	}
	for _, dir := range owned {
		err := filepath.WalkDir(filepath.Join(repo, dir), func(full string, d os.DirEntry, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return filepath.SkipDir
			}
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(repo, full)
			if _, ok := out[rel]; ok || slices.Contains(keep, rel) {
				return nil
			}
			changed = append(changed, rel+" (removed)")
			return os.Remove(full)
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(changed)
	return changed, nil
}

// canonical is a manifest's YAML, for comparing a decrypted Secret with
// a new one.
func canonical(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}
