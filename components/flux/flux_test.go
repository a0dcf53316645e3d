package flux_test

import (
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

const (
	sourceImage    = "registry.example.com/fluxcd/source-controller:v1.9.6"
	kustomizeImage = "registry.example.com/fluxcd/kustomize-controller:v1.9.6@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func identity(t *testing.T) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

func prodArgs(key string) flux.Args {
	return flux.Args{
		Tier:   "prod",
		Images: &flux.ImagesArgs{SourceController: sourceImage, KustomizeController: kustomizeImage},
		Repository: &flux.RepositoryArgs{
			URL:           "ssh://git@git.example.com/acme/deploy.git",
			SSHPrivateKey: pulumi.ToSecret(pulumi.String("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----")).(pulumi.StringOutput),
			KnownHosts:    "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample",
		},
		Kustomizations: []flux.KustomizationArgs{{Name: "prod", Path: "envs/prod"}},
		DecryptionKey:  pulumi.ToSecret(pulumi.String(key)).(pulumi.StringOutput),
	}
}

func TestProdInstall(t *testing.T) {
	key := identity(t)
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := flux.New(ctx, "flux", prodArgs(key))
		return err
	})
	s.RequireCounts(t, map[string]int{
		flux.TypeToken:                 1,
		"kubernetes:core/v1:Namespace": 1,
		"kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": 7,
		"kubernetes:core/v1:ServiceAccount":                           3,
		"kubernetes:rbac.authorization.k8s.io/v1:ClusterRole":         3,
		"kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding":  3,
		"kubernetes:rbac.authorization.k8s.io/v1:Role":                2,
		"kubernetes:rbac.authorization.k8s.io/v1:RoleBinding":         2,
		"kubernetes:apps/v1:Deployment":                               2,
		"kubernetes:core/v1:Service":                                  1,
		"kubernetes:networking.k8s.io/v1:NetworkPolicy":               1,
		"kubernetes:core/v1:Secret":                                   2,
		"kubernetes:source.toolkit.fluxcd.io/v1:GitRepository":        1,
		"kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization":     1,
	})
	s.Get(t, "kubernetes:core/v1:Namespace", "flux-namespace").Expect(t, map[string]any{
		"metadata.name": "flux-system",
		`metadata.labels["pod-security.kubernetes.io/enforce"]`: "restricted",
	})
	s.RequireRestrictedPods(t)
	kc := s.Get(t, "kubernetes:apps/v1:Deployment", "flux-kustomize-controller")
	kc.Expect(t, map[string]any{
		"metadata.namespace":                                                      "flux-system",
		"spec.template.spec.containers[0].image":                                  kustomizeImage,
		"spec.template.spec.serviceAccountName":                                   "kustomize-controller",
		"spec.template.spec.containers[0].args[4]":                                "--no-remote-bases=true",
		"spec.template.spec.containers[0].args[5]":                                "--default-service-account=flux-applier",
		"spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem": true,
	})
	s.Get(t, "kubernetes:apps/v1:Deployment", "flux-source-controller").Expect(t, map[string]any{
		"spec.strategy.type":                     "Recreate",
		"spec.template.spec.containers[0].image": sourceImage,
	})
	s.Get(t, "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", "flux-gitrepository").Expect(t, map[string]any{
		"metadata.name":       flux.RepositoryName,
		"spec.url":            "ssh://git@git.example.com/acme/deploy.git",
		"spec.ref.branch":     "main",
		"spec.interval":       "1m",
		"spec.secretRef.name": flux.CredentialsSecret,
		`metadata.annotations["pulumi.com/waitFor"]`: "condition=Ready",
	})
	s.Get(t, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "flux-kustomization-prod").Expect(t, map[string]any{
		"spec.path": "./envs/prod", "spec.prune": true, "spec.wait": true, "spec.suspend": false,
		"spec.interval": "5m", "spec.timeout": "5m", "spec.retryInterval": "1m",
		"spec.sourceRef.name":            flux.RepositoryName,
		"spec.decryption.provider":       "sops",
		"spec.decryption.secretRef.name": flux.DecryptionSecret,
	})
	// The deploy key and the age identity reach the engine only as
	// secrets.
	if leaks := s.Plaintext(key, "-----BEGIN OPENSSH PRIVATE KEY-----"); len(leaks) > 0 {
		t.Fatalf("in plaintext: %v", leaks)
	}
	age := s.Get(t, "kubernetes:core/v1:Secret", "flux-sops-age")
	if !age.IsSecret("stringData") {
		t.Fatal("the age identity is not a secret")
	}
	// The applier holds only ApplierRules; kustomize-controller's own
	// role applies nothing.
	applier := s.Get(t, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "flux-flux-applier-role")
	if got, want := len(applier.Value(t, "rules").([]any)), len(flux.ApplierRules); got != want {
		t.Fatalf("the applier has %d rules, want %d", got, want)
	}
	s.Get(t, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "flux-kustomize-controller-binding").Expect(t, map[string]any{
		"roleRef.name": "flux-system-kustomize-controller", "subjects[0].name": "kustomize-controller",
	})
	if !flux.Allows(flux.ApplierRules, "apps", "deployments", "patch") || flux.Allows(flux.ApplierRules, "rbac.authorization.k8s.io", "clusterroles", "create") {
		t.Fatal("Allows reads the rules wrong")
	}
}

// An https repository gets a username/password Secret; a public one and
// one without a decryption key get neither Secret nor reference.
func TestHTTPSAndPublicRepositories(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		a := prodArgs(identity(t))
		a.Repository = &flux.RepositoryArgs{URL: "https://git.example.com/acme/deploy.git", Username: pulumi.String("flux"),
			Password: pulumi.ToSecret(pulumi.String("token-123")).(pulumi.StringOutput), Branch: "release"}
		_, err := flux.New(ctx, "flux", a)
		return err
	})
	s.Get(t, "kubernetes:core/v1:Secret", "flux-git-credentials").Expect(t, map[string]any{"metadata.name": flux.CredentialsSecret})
	if leaks := s.Plaintext("token-123"); len(leaks) > 0 {
		t.Fatalf("the token in plaintext: %v", leaks)
	}
	s.Get(t, "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", "flux-gitrepository").Expect(t, map[string]any{"spec.ref.branch": "release"})

	pub := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		a := prodArgs("")
		a.DecryptionKey = nil
		a.Repository = &flux.RepositoryArgs{URL: "https://git.example.com/acme/public.git"}
		a.Kustomizations[0].Suspend = true
		_, err := flux.New(ctx, "flux", a)
		return err
	})
	if n := len(pub.ByType("kubernetes:core/v1:Secret")); n != 0 {
		t.Fatalf("%d Secrets for a public repository without a key", n)
	}
	k := pub.Get(t, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "flux-kustomization-prod")
	if k.Has("spec.decryption") || pub.Get(t, "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", "flux-gitrepository").Has("spec.secretRef") {
		t.Fatal("a reference to a Secret that does not exist")
	}
	k.Expect(t, map[string]any{"spec.suspend": true})
}

func TestBadInputIsRejectedBeforeAnythingRegisters(t *testing.T) {
	key := identity(t)
	for _, c := range []struct {
		name     string
		edit     func(a *flux.Args)
		path, in string
	}{
		{"no images", func(a *flux.Args) { a.Images = nil }, "images.sourceController", "is empty: give your mirror's copy"},
		{"another version", func(a *flux.Args) {
			a.Images.SourceController = "registry.example.com/fluxcd/source-controller:v1.8.0"
		}, "images.sourceController", "must be that version"},
		{"no url", func(a *flux.Args) { a.Repository = nil }, "repository.url", "is empty"},
		{"plain http", func(a *flux.Args) {
			a.Repository = &flux.RepositoryArgs{URL: "http://git.example.com/acme/deploy.git"}
		}, "repository.url", "is plain http"},
		{"http on loopback outside the local tier", func(a *flux.Args) {
			a.Repository = &flux.RepositoryArgs{URL: "http://127.0.0.1:8080/deploy.git"}
		}, "repository.url", "is plain http"},
		{"a token in the URL", func(a *flux.Args) {
			a.Repository = &flux.RepositoryArgs{URL: "https://flux:ghp_secret@git.example.com/acme/deploy.git"}
		}, "repository.url", "carries credentials"},
		{"git scheme", func(a *flux.Args) {
			a.Repository = &flux.RepositoryArgs{URL: "git://git.example.com/acme/deploy.git"}
		}, "repository.url", `has scheme "git"`},
		{"ssh without known hosts", func(a *flux.Args) { a.Repository.KnownHosts = "" }, "repository.knownHosts", "ssh-keyscan"},
		{"ssh without a key", func(a *flux.Args) { a.Repository.SSHPrivateKey = nil }, "repository.sshPrivateKey", "deploy key"},
		{"half the https credentials", func(a *flux.Args) {
			a.Repository = &flux.RepositoryArgs{URL: "https://git.example.com/acme/deploy.git", Username: pulumi.String("flux")}
		}, "repository", "give both"},
		{"a bad branch", func(a *flux.Args) { a.Repository.Branch = "main..x" }, "repository.branch", "not a valid branch"},
		{"a fetch every 10s in prod", func(a *flux.Args) { a.Repository.Interval = "10s" }, "repository.interval", "between 1m0s and 1h0m0s"},
		{"a duration Flux refuses", func(a *flux.Args) { a.Kustomizations[0].Interval = "-5m" }, "kustomizations[0].interval", "not a duration Flux reads"},
		{"a day between reconciliations", func(a *flux.Args) { a.Kustomizations[0].Interval = "24h" }, "kustomizations[0].interval", "between"},
		{"no kustomization", func(a *flux.Args) { a.Kustomizations = nil }, "kustomizations", "is empty"},
		{"a path outside the repository", func(a *flux.Args) { a.Kustomizations[0].Path = "../other" }, "kustomizations[0].path", "outside the repository"},
		{"twice the same name", func(a *flux.Args) {
			a.Kustomizations = append(a.Kustomizations, flux.KustomizationArgs{Name: "prod", Path: "envs/prod2"})
		}, "kustomizations[1].name", "used twice"},
		{"a health check without a kind", func(a *flux.Args) {
			a.Kustomizations[0].HealthChecks = []flux.HealthCheckArgs{{APIVersion: "apps/v1", Name: "web"}}
		}, "kustomizations[0].healthChecks[0]", "needs apiVersion, kind and name"},
		{"not an age identity", func(a *flux.Args) { a.DecryptionKey = pulumi.String("age1notanidentity") }, "decryptionKey", "not an age identity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := prodArgs(key)
			a.DecryptionKey = pulumi.String(key)
			c.edit(&a)
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := flux.New(ctx, "flux", a)
				return err
			})
			plinthtest.RequireProblem(t, err, `flux "flux": `, c.path, c.in)
			if n := len(s.Resources); n != 0 {
				t.Fatalf("%d resources registered before the error", n)
			}
		})
	}
}

// The local tier may fetch a loopback repository over http, every 5s.
func TestLocalLoopback(t *testing.T) {
	a := prodArgs(identity(t))
	a.Tier = "local"
	a.Repository = &flux.RepositoryArgs{URL: "http://127.0.0.1:9999/deploy.git", Interval: "5s", Timeout: "5s"}
	a.Kustomizations[0].Interval = "5s"
	if err := a.Validate("flux"); err != nil {
		t.Fatal(err)
	}
	a.Repository.Interval = "1s"
	if err := a.Validate("flux"); err == nil || !strings.Contains(err.Error(), "repository.interval") {
		t.Fatalf("a 1s fetch on the local tier: %v", err)
	}
}

func TestDefaultsAreDocumented(t *testing.T) {
	a := prodArgs("")
	a.Kustomizations = []flux.KustomizationArgs{{Name: "prod", Path: "envs/prod"}}
	plinthtest.CheckDocumentedDefaults(t, ".", flux.Args{Images: a.Images, Kustomizations: a.Kustomizations}.Defaults())
}

// Every CRD file is one CustomResourceDefinition of a Flux group.
func TestCRDsAreFlux(t *testing.T) {
	entries, err := flux.CRDs.ReadDir("crds")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 7 {
		t.Fatalf("%d CRD files, want 7", len(entries))
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "source.toolkit.fluxcd.io_") && !strings.HasPrefix(e.Name(), "kustomize.toolkit.fluxcd.io_") {
			t.Errorf("%s is not a Flux CRD", e.Name())
		}
		raw, _ := flux.CRDs.ReadFile("crds/" + e.Name())
		if !strings.Contains(string(raw), "kind: CustomResourceDefinition") {
			t.Errorf("%s holds no CustomResourceDefinition", e.Name())
		}
	}
}

// TestWaiversAreNeededAndExact: every waiver Waivers gives names a
// resource the component registers and exempts a finding it really has;
// without the waivers the gate stops at them, with them it passes.
func TestWaiversAreNeededAndExact(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := flux.New(ctx, "flux", prodArgs(identity(t)))
		return err
	})
	rs := s.PolicyResources()
	// The image policy is the stack's (PL-K8S-020 judges a whole stack).
	rules := policy.Except(policy.Rules(), "PL-K8S-020")
	bare := policy.Evaluate(rules, rs, policy.Context{Tier: "prod"}, nil)
	var waivers []policy.Waiver
	for _, w := range flux.Waivers("flux") {
		waivers = append(waivers, policy.Waiver{Rule: w.Rule, Resource: w.Resource, Reason: w.Reason})
		found := false
		for _, f := range bare.Findings {
			if f.Rule.ID == w.Rule && strings.HasSuffix(f.Resource, "::"+w.Resource) {
				found = true
			}
		}
		if !found {
			t.Errorf("waiver %s %s exempts nothing the component registers", w.Rule, w.Resource)
		}
	}
	if err := policy.Evaluate(rules, rs, policy.Context{Tier: "prod"}, waivers).Err(); err != nil {
		t.Fatalf("with its waivers: %v", err)
	}
}
