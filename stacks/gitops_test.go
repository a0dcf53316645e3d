package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/pkg/config"
)

// gitopsBlock is the plinth:gitops config a test stack gets.
func gitopsBlock(promoteFrom string) string {
	b := `  plinth:delivery: gitops
  plinth:gitops:
    url: https://git.example.com/acme/deploy.git
    username: flux
    sourceControllerImage: registry.example.com/fluxcd/source-controller:v1.9.6
    kustomizeControllerImage: registry.example.com/fluxcd/kustomize-controller:v1.9.6
`
	if promoteFrom != "" {
		b += "    promoteFrom: " + promoteFrom + "\n"
	}
	return b + `  plinth:gitopsAgeKey:
    secure: v1:not-decrypted-here
  plinth:gitopsPassword:
    secure: v1:not-decrypted-here
`
}

// gitopsProject copies the dev, staging and prod stack files into a
// directory with GitOps delivery (staging promoted from dev, prod from
// staging), each edited by edit[stack], and returns it.
func gitopsProject(t *testing.T, edit map[string]func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for stack, from := range map[string]string{"dev": "", "staging": "dev", "prod": "staging"} {
		raw, err := os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(raw), "config:\n", "config:\n"+gitopsBlock(from), 1)
		if f := edit[stack]; f != nil {
			s = f(s)
		}
		if err := os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// render renders root into repo with no Secrets, and returns what changed.
func render(t *testing.T, root, repo string) []string {
	t.Helper()
	changed, err := renderGitOps(renderOptions{Root: root, Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// build builds an overlay with kustomize (the library kustomize-controller
// builds with), with each Secret file it lists written in plaintext, as
// kustomize-controller has it once decrypted; it returns the objects by
// key.
func build(t *testing.T, repo, env string, secrets map[string]obj) map[string]obj {
	t.Helper()
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(repo)); err != nil {
		t.Fatal(err)
	}
	for path, sec := range secrets {
		b, _ := yaml.Marshal(sec)
		full := filepath.Join(work, path)
		_ = os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(work, envsDir, env))
	if err != nil {
		t.Fatalf("kustomize build envs/%s: %v", env, err)
	}
	out := map[string]obj{}
	for _, r := range res.Resources() {
		b, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var m obj
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out[key(m)] = m
	}
	return out
}

// want is what a Pulumi deploy of env would apply: its composed objects,
// with the config's images, as plain JSON values.
func want(t *testing.T, root, stack string) (map[string]obj, map[string]obj) {
	t.Helper()
	envs, err := gitopsEnvs(root, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := compose(envs[stack], stack)
	if err != nil {
		t.Fatal(err)
	}
	objs, secrets := map[string]obj{}, map[string]obj{}
	norm := func(o obj) obj {
		b, _ := json.Marshal(o)
		for n, ref := range c.images {
			b = bytes.ReplaceAll(b, []byte(`"image":"`+n+`"`), []byte(`"image":"`+ref+`"`))
		}
		var m obj
		_ = json.Unmarshal(b, &m)
		return m
	}
	for _, ns := range c.namespaces {
		objs[key(ns)] = norm(ns)
	}
	for _, list := range c.apps {
		for _, o := range list {
			objs[key(o)] = norm(o)
		}
	}
	for _, s := range c.secrets {
		secrets[filepath.Join(envsDir, c.env.Name, "secrets", key(s)[len("secret-"):]+".yaml")] = norm(s)
	}
	return objs, secrets
}

// TestGitOpsOverlaysBuildIntoWhatPulumiWouldApply: each environment's
// overlay, built by kustomize, is exactly the objects its config composes
// to (images by their config reference), Secrets included; a second
// render changes nothing; and no file holds a Secret in plaintext.
func TestGitOpsOverlaysBuildIntoWhatPulumiWouldApply(t *testing.T) {
	root := gitopsProject(t, map[string]func(string) string{})
	repo := t.TempDir()
	changed := render(t, root, repo)
	if len(changed) < 10 {
		t.Fatalf("the first render wrote %d files: %v", len(changed), changed)
	}
	for _, env := range []string{"dev", "staging", "prod"} {
		wantObjs, secrets := want(t, root, env)
		if len(wantObjs) < 10 {
			t.Fatalf("%s composes only %d objects", env, len(wantObjs))
		}
		got := build(t, repo, env, secrets)
		for k, w := range secrets {
			wantObjs[key(w)] = w
			_ = k
		}
		if !reflect.DeepEqual(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(wantObjs))) {
			t.Fatalf("%s: kustomize builds %v\nwant %v", env, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(wantObjs)))
		}
		for k := range wantObjs {
			if !reflect.DeepEqual(got[k], wantObjs[k]) {
				g, _ := yaml.Marshal(got[k])
				w, _ := yaml.Marshal(wantObjs[k])
				t.Errorf("%s %s differs:\n--- built\n%s--- composed\n%s", env, k, g, w)
			}
		}
	}
	// The environments differ where their tiers do: prod's overlay
	// patches what dev's does not (replicas, resources, disruption
	// budgets), and dev's base holds what all three share.
	if _, err := os.Stat(filepath.Join(repo, "apps", "web", "base", "deployment-web-web.yaml")); err != nil {
		t.Fatal(err)
	}
	patches, _ := filepath.Glob(filepath.Join(repo, "envs", "prod", "patches", "*.yaml"))
	if len(patches) == 0 {
		t.Fatal("prod's overlay patches nothing: its tier's defaults are not in it")
	}
	if again := render(t, root, repo); len(again) != 0 {
		t.Fatalf("a second render with nothing changed wrote %v", again)
	}
	// No Secret is written without its key and sops: the overlays list
	// them, and nothing in the repository holds a secret value.
	err := filepath.WalkDir(repo, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("stand-in-for-")) || bytes.Contains(b, []byte("kind: Secret")) {
			t.Errorf("%s holds a Secret or a secret value in plaintext", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGitOpsRenderFollowsTheConfig: a config change rewrites its own
// overlay (and the base when what all share changes); a removed app's
// files go; a promoted environment's images change only by promotion.
func TestGitOpsRenderFollowsTheConfig(t *testing.T) {
	root := gitopsProject(t, nil)
	repo := t.TempDir()
	render(t, root, repo)
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "render")

	// dev gets a new image for web; staging's config asks for another,
	// which its overlay ignores: staging is promoted.
	set := func(stack, from, to string) {
		p := filepath.Join(root, "Pulumi."+stack+".yaml")
		raw, _ := os.ReadFile(p)
		if !bytes.Contains(raw, []byte(from)) {
			t.Fatalf("%s has no %q", p, from)
		}
		_ = os.WriteFile(p, bytes.Replace(raw, []byte(from), []byte(to), 1), 0o644)
	}
	set("dev", "registry.example.com/plinth/web:1.0.0", "registry.example.com/plinth/web@sha256:1111111111111111111111111111111111111111111111111111111111111111")
	set("staging", "plinth/web:", "plinth/web-other:")
	_, stagingSecrets := want(t, root, "staging")
	stagingBefore := build(t, repo, "staging", stagingSecrets)
	changed := render(t, root, repo)
	if !slices.Contains(changed, "envs/dev/kustomization.yaml") {
		t.Fatalf("a new dev image changed %v, not dev's overlay", changed)
	}
	// staging and prod apply the same objects as before: only what they
	// share with dev moved between base and patches.
	if after := build(t, repo, "staging", stagingSecrets); !reflect.DeepEqual(after, stagingBefore) {
		t.Fatalf("a dev image changed what staging applies")
	}
	dev := readImages(filepath.Join(repo, "envs", "dev", "kustomization.yaml"))
	if dev["web"].Digest != "sha256:1111111111111111111111111111111111111111111111111111111111111111" || dev["web"].NewTag != "" {
		t.Fatalf("dev's web image: %+v", dev["web"])
	}
	staging := readImages(filepath.Join(repo, "envs", "staging", "kustomization.yaml"))
	if staging["web"].NewName != "registry.example.com/plinth/web" || staging["web"].NewTag != "1.0.0" {
		t.Fatalf("staging's web image moved without a promotion: %+v", staging["web"])
	}
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "dev: web by digest")

	// Promotion: a branch whose one commit gives staging dev's images.
	for _, v := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		t.Setenv(v, "plinth")
	}
	for _, v := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(v, "plinth@example.com")
	}
	var out bytes.Buffer
	branch, err := promote(t.Context(), &out, root, repo, "", "staging")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(branch, "promote/dev-to-staging-") {
		t.Fatalf("branch %q", branch)
	}
	if got := strings.TrimSpace(git(t, repo, "rev-parse", "--abbrev-ref", "HEAD")); got != branch {
		t.Fatalf("on %s, want %s", got, branch)
	}
	for _, f := range strings.Fields(git(t, repo, "show", "--name-only", "--format=", "HEAD")) {
		if !strings.HasPrefix(f, "envs/staging/") && !strings.HasPrefix(f, "apps/") {
			t.Fatalf("the promotion commit changes %s, outside staging's overlay and the bases", f)
		}
	}
	// staging now applies dev's image, with its version label.
	web := build(t, repo, "staging", stagingSecrets)["deployment-web-web"]
	if b, _ := json.Marshal(web); !bytes.Contains(b, []byte("web@sha256:1111")) || bytes.Contains(b, []byte(`"app.kubernetes.io/version":"1.0.0"`)) {
		t.Fatalf("staging's web after promotion:\n%s", b)
	}
	if dirty := git(t, repo, "status", "--porcelain"); dirty != "" {
		t.Fatalf("the promotion left changes outside its commit:\n%s", dirty)
	}
	if staging = readImages(filepath.Join(repo, "envs", "staging", "kustomization.yaml")); staging["web"] != dev["web"] {
		t.Fatalf("staging's web after promotion: %+v, dev's %+v", staging["web"], dev["web"])
	}
	if again := render(t, root, repo); len(again) != 0 {
		t.Fatalf("a render after the promotion undid it: %v", again)
	}
	if b, err := promote(t.Context(), &out, root, repo, "", "staging"); err != nil || b != "" {
		t.Fatalf("a second promotion: %q %v", b, err)
	}

	// checkout leaves dev: its files in dev's overlay go, and the base
	// of checkout is now staging's and prod's common part.
	set("dev", "    - name: checkout\n", "    - name: checkout-gone\n")
	set("dev", "namespace: shop\n", "namespace: shop\n      replicas: 1\n")
	changed = render(t, root, repo)
	var removed []string
	for _, c := range changed {
		if strings.HasSuffix(c, " (removed)") {
			removed = append(removed, c)
		}
	}
	if len(removed) == 0 {
		t.Fatalf("renaming dev's checkout removed no file: %v", changed)
	}
	if _, err := os.Stat(filepath.Join(repo, "apps", "checkout-gone", "base", "kustomization.yaml")); err != nil {
		t.Fatalf("the renamed app has no base: %v", err)
	}
}

// TestGitOpsRefusesAPlaintextSecret: a tool that returns the Secret
// unencrypted (a misconfigured sops) fails the render before any file is
// written.
func TestGitOpsRefusesAPlaintextSecret(t *testing.T) {
	root := gitopsProject(t, nil)
	repo := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	secrets := map[string]string{}
	values, placeholders, err := StackFile(filepath.Join(root, "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_ = values
	for k := range placeholders {
		secrets[k] = "value-of-" + strings.TrimPrefix(k, "plinth:")
	}
	secrets["plinth:"+config.SecretGitOpsAgeKey] = id.String()
	_, err = renderGitOps(renderOptions{Root: root, Repo: repo, Stack: "dev", Secrets: secrets, Sops: leakingTool{}})
	if err == nil || !strings.Contains(err.Error(), "refusing to write it") {
		t.Fatalf("a plaintext Secret: %v", err)
	}
	entries, _ := os.ReadDir(repo)
	if len(entries) != 0 {
		t.Fatalf("the failed render wrote %d entries", len(entries))
	}
}

// leakingTool is a misconfigured encryption: it adds sops metadata and
// leaves the values as they are.
type leakingTool struct{}

func (leakingTool) Encrypt(recipient, _ string, plaintext []byte) ([]byte, error) {
	return append(plaintext, []byte(fmt.Sprintf("sops:\n  age:\n    - recipient: %s\n", recipient))...), nil
}
func (leakingTool) Decrypt(string, string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("cannot")
}

// TestGitOpsApplierCanApplyEveryRenderedKind: the applier Flux applies
// as (flux.ApplierRules) may create, patch and delete every kind the
// renderer writes for the real stacks.
func TestGitOpsApplierCanApplyEveryRenderedKind(t *testing.T) {
	root := gitopsProject(t, nil)
	envs, err := gitopsEnvs(root, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for stack, env := range envs {
		c, err := compose(env, stack)
		if err != nil {
			t.Fatal(err)
		}
		var all []obj
		all = append(all, c.namespaces...)
		all = append(all, c.secrets...)
		for _, l := range c.apps {
			all = append(all, l...)
		}
		for _, o := range all {
			kinds[fmt.Sprint(o["apiVersion"])+" "+fmt.Sprint(o["kind"])] = true
		}
	}
	if len(kinds) < 6 {
		t.Fatalf("only %d kinds rendered: %v", len(kinds), kinds)
	}
	for k := range kinds {
		apiVersion, kind, _ := strings.Cut(k, " ")
		group, _, found := strings.Cut(apiVersion, "/")
		if !found {
			group = ""
		}
		resource := strings.ToLower(kind) + "s"
		if strings.HasSuffix(kind, "s") {
			resource = strings.ToLower(kind) + "es"
		}
		if strings.HasSuffix(kind, "y") {
			resource = strings.ToLower(kind[:len(kind)-1]) + "ies"
		}
		for _, verb := range []string{"create", "patch", "delete", "get", "list", "watch"} {
			if !flux.Allows(flux.ApplierRules, group, resource, verb) {
				t.Errorf("the applier may not %s %s (%s)", verb, resource, k)
			}
		}
	}
}

// git runs git in dir and returns its output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=plinth", "GIT_AUTHOR_EMAIL=plinth@example.com",
		"GIT_COMMITTER_NAME=plinth", "GIT_COMMITTER_EMAIL=plinth@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestGitOpsStacksPassTheGate: dev, staging and prod with GitOps
// delivery compose (the cloud half, monitoring and Flux, no application)
// and pass the guardrails and deployability rules; the applications are
// judged where they are rendered.
func TestGitOpsStacksPassTheGate(t *testing.T) {
	root := gitopsProject(t, nil)
	for _, stack := range []string{"dev", "staging", "prod"} {
		values, secrets, err := StackFile(filepath.Join(root, "Pulumi."+stack+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		all := maps.Clone(values)
		maps.Copy(all, secrets)
		id, _ := age.GenerateX25519Identity()
		all["plinth:"+config.SecretGitOpsAgeKey] = id.String()
		env, err := config.Parse(all, stack)
		if err != nil {
			t.Fatal(err)
		}
		env.Secrets = map[string]pulumi.StringOutput{}
		for k := range secrets {
			env.Secrets[strings.TrimPrefix(k, "plinth:")] = pulumi.ToSecret(pulumi.String(all[k])).(pulumi.StringOutput)
		}
		rep, err := Gate(env, projectName, stack)
		if err != nil {
			t.Fatalf("%s: %v", stack, err)
		}
		if err := rep.Err(); err != nil {
			t.Errorf("%s: %v", stack, err)
		}
		s, err := composeUnderMocks(env, projectName, stack)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(s.ByType("kubernetes:apps/v1:Deployment")); n != 2 && stack != "prod" {
			t.Errorf("%s registers %d Deployments, want Flux's two (the apps are Flux's)", stack, n)
		}
		if len(s.ByType("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization")) != 1 {
			t.Errorf("%s has no Kustomization", stack)
		}
	}
}
