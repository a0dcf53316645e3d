package imagepolicy_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/imagepolicy"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

const (
	repo = "https://charts.example.com/kyverno"
	// A cosign.pub (ECDSA P-256), as `cosign generate-key-pair` writes it.
	publicKey = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM
5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==
-----END PUBLIC KEY-----`
)

func keyless() *imagepolicy.KeylessArgs {
	return &imagepolicy.KeylessArgs{
		Issuer:     "https://token.actions.githubusercontent.com",
		Subject:    "https://github.com/plinth-dev/plinth/.github/workflows/image.yml@*",
		Repository: "acme/shop",
	}
}

func TestProdInstallsKyvernoAndEnforcesKeyless(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := imagepolicy.New(ctx, "signed-images", imagepolicy.Args{
			Tier: "prod", Images: []string{"registry.example.com/shop/*"}, Keyless: keyless(),
			Kyverno: &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: repo}},
		})
		return err
	})
	want := map[string]int{imagepolicy.TypeToken: 1, "kubernetes:core/v1:Namespace": 1, "kubernetes:helm.sh/v4:Chart": 1, "kubernetes:kyverno.io/v1:ClusterPolicy": 1}
	if got := s.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("inventory:\n%s want %v", s.Inventory(), want)
	}
	s.Get(t, "kubernetes:core/v1:Namespace", "signed-images-namespace").Expect(t, map[string]any{
		"metadata.name": "kyverno", `metadata.labels["pod-security.kubernetes.io/enforce"]`: "restricted",
	})
	chart := s.Get(t, "kubernetes:helm.sh/v4:Chart", "signed-images-kyverno")
	chart.Expect(t, map[string]any{
		"chart": "kyverno", "version": imagepolicy.DefaultChartVersion, "repositoryOpts.repo": repo, "namespace": "kyverno",
		"values.crds.install": true, "values.admissionController.replicas": 3.0,
		"values.admissionController.podDisruptionBudget.enabled":                     true,
		"values.admissionController.container.extraArgs.imageVerifyCacheTTLDuration": "5m",
		"values.backgroundController.replicas":                                       2.0, "values.reportsController.replicas": 2.0, "values.cleanupController.replicas": 2.0,
	})
	pol := s.Get(t, "kubernetes:kyverno.io/v1:ClusterPolicy", "signed-images-policy")
	pol.Expect(t, map[string]any{
		"metadata.name": "signed-images",
		`metadata.annotations["pulumi.com/waitFor"]`: "condition=Ready",
		"spec.background":                                                                                             false,
		"spec.webhookConfiguration.failurePolicy":                                                                     "Fail",
		"spec.rules[0].match.any[0].resources.kinds[0]":                                                               "Pod",
		"spec.rules[0].verifyImages[0].failureAction":                                                                 "Enforce",
		"spec.rules[0].verifyImages[0].imageReferences[0]":                                                            "registry.example.com/shop/*",
		"spec.rules[0].verifyImages[0].mutateDigest":                                                                  true,
		"spec.rules[0].verifyImages[0].verifyDigest":                                                                  true,
		"spec.rules[0].verifyImages[0].required":                                                                      true,
		"spec.rules[0].verifyImages[0].useCache":                                                                      true,
		"spec.rules[0].verifyImages[0].attestors[0].count":                                                            1.0,
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.issuer":                                        keyless().Issuer,
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.subject":                                       keyless().Subject,
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.additionalExtensions.githubWorkflowRepository": "acme/shop",
	})
	if pol.Has("spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.rekor.ignoreTlog") {
		t.Fatal("the transparency log is skipped by default")
	}
	if !strings.Contains(strings.Join(pol.Dependencies, " "), chart.URN) {
		t.Fatalf("the policy does not wait for the chart that installs its CRD: %v", pol.Dependencies)
	}
}

func TestKeyedAuditWithoutTransparencyLogAndWaivers(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := imagepolicy.New(ctx, "signed-images", imagepolicy.Args{
			Images: []string{"registry.example.com/shop/*"}, Keys: []string{publicKey, publicKey},
			TransparencyLog: new(false), UseCache: new(false), RekorURL: "https://rekor.example.com",
			Waivers: []imagepolicy.WaiverArgs{{Image: "registry.example.com/shop/legacy:*", Reason: "rebuilt by 2027-01-31"}},
		})
		return err
	})
	if n := len(s.ByType("kubernetes:helm.sh/v4:Chart")); n != 0 {
		t.Fatalf("%d charts without Kyverno args", n)
	}
	pol := s.Get(t, "kubernetes:kyverno.io/v1:ClusterPolicy", "signed-images-policy")
	pol.Expect(t, map[string]any{
		"spec.webhookConfiguration.failurePolicy":                                     "Ignore",
		"spec.rules[0].verifyImages[0].failureAction":                                 "Audit",
		"spec.rules[0].verifyImages[0].useCache":                                      false,
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys":       publicKey,
		"spec.rules[0].verifyImages[0].attestors[0].entries[1].keys.publicKeys":       publicKey,
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.rekor.ignoreTlog": true,
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.rekor.url":        "https://rekor.example.com",
		"spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.ctlog.ignoreSCT":  true,
		"spec.rules[0].verifyImages[0].skipImageReferences[0]":                        "registry.example.com/shop/legacy:*",
		`metadata.annotations["plinth.dev/waivers"]`:                                  `[{"image":"registry.example.com/shop/legacy:*","reason":"rebuilt by 2027-01-31"}]`,
	})
}

func TestBadInputIsRejectedBeforeAnythingRegisters(t *testing.T) {
	ok := func(mod func(*imagepolicy.Args)) imagepolicy.Args {
		a := imagepolicy.Args{Images: []string{"registry.example.com/shop/*"}, Keys: []string{publicKey}}
		mod(&a)
		return a
	}
	for _, c := range []struct {
		name     string
		args     imagepolicy.Args
		path, in string
	}{
		{"no images", ok(func(a *imagepolicy.Args) { a.Images = nil }), "images", "is empty"},
		{"an image with a scheme", ok(func(a *imagepolicy.Args) { a.Images = []string{"https://registry.example.com/shop/*"} }), "images[0]", "has a scheme"},
		{"an uppercase image", ok(func(a *imagepolicy.Args) { a.Images = []string{"registry.example.com/Shop/*"} }), "images[0]", "uppercase"},
		{"no signer", ok(func(a *imagepolicy.Args) { a.Keys = nil }), "keys", "give the public keys that sign"},
		{"both signers", ok(func(a *imagepolicy.Args) { a.Keyless = keyless() }), "keyless", "choose one way of signing"},
		{"a private key", ok(func(a *imagepolicy.Args) {
			a.Keys = []string{"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----"}
		}), "keys[0]", "is a private key"},
		{"not PEM", ok(func(a *imagepolicy.Args) { a.Keys = []string{"cosign.pub"} }), "keys[0]", "is not a PEM block"},
		{"two keys in one entry", ok(func(a *imagepolicy.Args) { a.Keys = []string{publicKey + "\n" + publicKey} }), "keys[0]", "more than one PEM block"},
		{"a keyless identity of anyone", ok(func(a *imagepolicy.Args) {
			a.Keys, a.Keyless = nil, &imagepolicy.KeylessArgs{Issuer: keyless().Issuer, Subject: "*"}
		}), "keyless.subject", "any identity of the issuer would pass"},
		{"a plain-HTTP issuer", ok(func(a *imagepolicy.Args) {
			a.Keys, a.Keyless = nil, &imagepolicy.KeylessArgs{Issuer: "http://issuer.example.com", Subject: keyless().Subject}
		}), "keyless.issuer", "absolute https URL"},
		{"a GitHub identity of any repository", ok(func(a *imagepolicy.Args) {
			a.Keys, a.Keyless = nil, &imagepolicy.KeylessArgs{Issuer: keyless().Issuer, Subject: keyless().Subject}
		}), "keyless.repository", "the same for every repository that calls it"},
		{"keyless without the log", ok(func(a *imagepolicy.Args) { a.Keys, a.Keyless, a.TransparencyLog = nil, keyless(), new(false) }), "transparencyLog", "keep it on, or sign with keys"},
		{"an unknown mode", ok(func(a *imagepolicy.Args) { a.Mode = "Warn" }), "mode", "is not one of"},
		{"a waiver without a reason", ok(func(a *imagepolicy.Args) { a.Waivers = []imagepolicy.WaiverArgs{{Image: "registry.example.com/x:1"}} }), "waivers[0].reason", "is empty"},
		{"a waiver of everything", ok(func(a *imagepolicy.Args) { a.Waivers = []imagepolicy.WaiverArgs{{Image: "*", Reason: "outage"}} }), "waivers[0].image", "turns the policy off"},
		{"a bad name", ok(func(a *imagepolicy.Args) {}), "name", "is not a valid name"},
		{"no chart repository", ok(func(a *imagepolicy.Args) { a.Kyverno = &imagepolicy.KyvernoArgs{} }), "kyverno.chart.repository", "is empty"},
		{"one controller enforcing in prod", ok(func(a *imagepolicy.Args) {
			a.Tier, a.Kyverno = config.TierProd, &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: repo}, Replicas: new(1)}
		}), "kyverno.replicas", "run at least 2"},
		{"a bad cache TTL", ok(func(a *imagepolicy.Args) {
			a.Kyverno = &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: repo}, VerifyCacheTTL: "five minutes"}
		}), "kyverno.verifyCacheTTL", "Go duration"},
		{"CRDs through extraValues", ok(func(a *imagepolicy.Args) {
			a.Kyverno = &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: repo}, ExtraValues: map[string]any{"crds": false}}
		}), "kyverno.extraValues.crds", "is set by plinth"},
		{"Kyverno in kube-system", ok(func(a *imagepolicy.Args) {
			a.Kyverno = &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: repo}, Namespace: "kube-system"}
		}), "kyverno.namespace", "is a system namespace"},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := "signed-images"
			if c.path == "name" {
				name = "Signed_Images"
			}
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := imagepolicy.New(ctx, name, c.args)
				return err
			})
			var found bool
			for _, e := range problem.Errors(err) {
				found = found || (e.Path == c.path && strings.Contains(e.Message, c.in))
			}
			if !found {
				t.Fatalf("err = %v, want %s: …%s…", err, c.path, c.in)
			}
			if len(s.Resources) != 0 {
				t.Fatalf("registered %d resources before failing", len(s.Resources))
			}
		})
	}
}

func TestDefaultsAreValidAndDocumented(t *testing.T) {
	for _, tier := range config.Tiers {
		a := imagepolicy.Args{Tier: tier, Images: []string{"registry.example.com/shop/*"}, Keyless: keyless(),
			Kyverno: &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: repo}}}
		if err := a.Validate("signed-images"); err != nil {
			t.Errorf("tier %s: defaults fail validation: %v", tier, err)
		}
		if want := map[bool]imagepolicy.Mode{true: imagepolicy.Enforce, false: imagepolicy.Audit}[tier == config.TierProd]; a.Defaults().Mode != want {
			t.Errorf("tier %s: mode %s, want %s", tier, a.Defaults().Mode, want)
		}
	}
	d := imagepolicy.Args{Kyverno: &imagepolicy.KyvernoArgs{}}.Defaults()
	plinthtest.CheckDocumentedDefaults(t, ".", d)
	if d.Keyless != nil {
		t.Fatal("Defaults() set keyless signing")
	}
}
