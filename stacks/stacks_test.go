package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// runStack runs Program with the stack's own config file under mocks and
// returns what it registered and its outputs.
func runStack(t *testing.T, stack string) (*plinthtest.Stack, map[string]plinthtest.Value) {
	t.Helper()
	values, secrets, err := StackFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	for k, v := range values {
		all[k] = v
	}
	for k, v := range secrets {
		all[k] = v
	}
	if _, err := config.Parse(all, stack); err != nil {
		t.Fatalf("Pulumi.%s.yaml does not validate:\n%v", stack, err)
	}
	outs := map[string]plinthtest.Value{}
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		env, err := config.Load(ctx)
		if err != nil {
			return err
		}
		o, err := Compose(ctx, env)
		for k, v := range o {
			outs[k] = plinthtest.Await(t, v)
		}
		return err
	}, plinthtest.WithStack(stack), plinthtest.WithConfig(values), plinthtest.WithSecretConfig(secrets))
	return s, outs
}

func TestLocalStack(t *testing.T) {
	t.Setenv("KUBECONFIG", "")
	s, outs := runStack(t, "local")
	want := map[string]int{
		"pulumi:providers:kubernetes":                        1,
		"plinth:kubernetes:Monitoring":                       1,
		"plinth:kubernetes:App":                              2,
		"kubernetes:core/v1:Namespace":                       3, // monitoring, web, shop
		"kubernetes:core/v1:ConfigMap":                       1,
		"kubernetes:monitoring.coreos.com/v1:PrometheusRule": 1,
		"kubernetes:apps/v1:Deployment":                      3, // web, checkout-blue, checkout-green
		"kubernetes:autoscaling/v2:HorizontalPodAutoscaler":  3,
		"kubernetes:policy/v1:PodDisruptionBudget":           3,
		"kubernetes:core/v1:Service":                         3, // web, checkout, checkout-preview
		"kubernetes:core/v1:ServiceAccount":                  2,
		"kubernetes:core/v1:Secret":                          1, // web-env
		"kubernetes:networking.k8s.io/v1:NetworkPolicy":      2,
		"kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 2,
		"kubernetes:gateway.networking.k8s.io/v1:HTTPRoute":  1, // web, through the platform's Gateway
	}
	if got := s.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("local inventory:\n%s", s.Inventory())
	}
	s.RequireRestrictedPods(t)
	if leaks := s.Plaintext("stand-in-for-plinth:dbPassword"); len(leaks) != 0 {
		t.Fatalf("the DB password is in plaintext inputs: %v", leaks)
	}
	for _, r := range s.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") && !strings.Contains(r.Provider, "pulumi:providers:kubernetes::local::") {
			t.Errorf("%s %q does not use the local provider", r.Type, r.Name)
		}
	}
	// The apps' objects are deleted with their namespace, but for the
	// Deployments, which are deleted first (see app.Args.NamespaceObject).
	appNamespace := map[string]string{"web": "web", "checkout": "shop"}
	n := 0
	for _, a := range s.ByType("plinth:kubernetes:App") {
		ns := s.Get(t, "kubernetes:core/v1:Namespace", "ns-"+appNamespace[a.Name])
		for _, r := range s.Resources {
			if r.Parent != a.URN {
				continue
			}
			want := ns.URN
			if r.Type == "kubernetes:apps/v1:Deployment" {
				want = ""
			}
			n++
			if r.DeletedWith != want {
				t.Errorf("%s %q is deleted with %q, want %q", r.Type, r.Name, r.DeletedWith, want)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d objects of the apps", n)
	}
	if got := outs["appUrls"].Value; !reflect.DeepEqual(got, map[string]string{
		"web": "https://web.local.plinth.example/", "checkout": "http://checkout.shop.svc.cluster.local",
	}) {
		t.Fatalf("appUrls = %v", got)
	}
	if outs["clusterName"].Value != LocalClusterName {
		t.Fatalf("clusterName = %v", outs["clusterName"].Value)
	}
	var keys []string
	for k := range outs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"alerts", "appUrls", "clusterName", "delivery", "grafanaUrl"}) {
		t.Fatalf("outputs = %v (kubeconfig only when KUBECONFIG is set)", keys)
	}
}

// TestAppsMayCallTheAppsThatAdmitThem: checkout admits web (allowFrom),
// so web's egress policy admits checkout's namespace, and nothing else
// beyond DNS and its own pods.
func TestAppsMayCallTheAppsThatAdmitThem(t *testing.T) {
	s, _ := runStack(t, "local")
	web := s.Get(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "web-networkpolicy")
	egress := fmt.Sprint(web.Value(t, "spec.egress"))
	if !strings.Contains(egress, "shop") || len(web.Value(t, "spec.egress").([]any)) != 3 {
		t.Fatalf("web's egress = %s, want DNS, its own pods and the shop namespace", egress)
	}
	checkout := s.Get(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "checkout-networkpolicy")
	if n := len(checkout.Value(t, "spec.egress").([]any)); n != 2 {
		t.Fatalf("checkout's egress has %d rules, want DNS and its own pods", n)
	}
}

func TestLocalStackExportsTheKubeconfigAsASecret(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kc)
	_, outs := runStack(t, "local")
	if got := outs["kubeconfig"]; !got.Secret || !strings.Contains(got.Value.(string), "kind: Config") {
		t.Fatalf("kubeconfig output = %+v, want the file as a secret", got)
	}
}

func TestBadConfigCreatesNothing(t *testing.T) {
	values, secrets, err := StackFile(filepath.Join("..", "Pulumi.local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	values["plinth:apps"] = `[{"name":"web","image":"registry.example.com/web:1","resources":{"cpuRequest":"2","cpuLimit":"1"}}]`
	s, err := plinthtest.RunErr(Program, plinthtest.WithStack("local"), plinthtest.WithConfig(values), plinthtest.WithSecretConfig(secrets))
	if err == nil || !strings.Contains(err.Error(), "plinth:apps[0].resources.cpuLimit (1) is below cpuRequest (2)") {
		t.Fatalf("err = %v", err)
	}
	if len(s.Resources) != 0 {
		t.Fatalf("a bad config registered:\n%s", s.Inventory())
	}
}
