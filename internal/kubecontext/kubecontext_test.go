package kubecontext

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadsTheCurrentContext(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
current-context: kind-dev
clusters:
- name: kind-dev
  cluster: {server: "https://127.0.0.1:40123"}
- name: prod
  cluster: {server: "https://prod.example.com"}
contexts:
- name: kind-dev
  context: {cluster: kind-dev, user: me}
- name: prod
  context: {cluster: prod, user: me}
users:
- name: me
  user: {token: x}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kc)
	c, err := Current()
	if err != nil || c.Context != "kind-dev" || c.Server != "https://127.0.0.1:40123" || c.Kubeconfig != kc {
		t.Fatalf("Current = %+v, %v", c, err)
	}
	if err := CheckLocal(context.Background(), c, false, nil); err != nil {
		t.Fatal(err)
	}
	// What the stack is applied with: the current context alone, 0600.
	out := filepath.Join(t.TempDir(), "current", "kubeconfig")
	if err := WriteKubeconfig(out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 || !strings.Contains(string(b), "127.0.0.1:40123") || strings.Contains(string(b), "prod") {
		t.Fatalf("written kubeconfig (%v):\n%s", st.Mode(), b)
	}
}

func TestRefusesARemoteContext(t *testing.T) {
	resolve := func(addrs map[string][]string) func(context.Context, string) ([]netip.Addr, error) {
		return func(_ context.Context, host string) ([]netip.Addr, error) {
			a, ok := addrs[host]
			if !ok {
				return nil, errors.New("no such host")
			}
			var out []netip.Addr
			for _, s := range a {
				out = append(out, netip.MustParseAddr(s))
			}
			return out, nil
		}
	}(map[string][]string{
		"minikube.internal":  {"192.168.49.2"},
		"api.prod.example":   {"203.0.113.10"},
		"split.example":      {"10.0.0.5", "198.51.100.7"},
		"host.docker.local6": {"fd00::2"},
	})
	for server, want := range map[string]string{
		"https://127.0.0.1:6443":          "",
		"https://[::1]:6443":              "",
		"https://localhost:6443":          "",
		"https://192.168.49.2:8443":       "",
		"https://minikube.internal:8443":  "",
		"https://host.docker.local6:6443": "",
		"https://203.0.113.10:443":        "points at 203.0.113.10, neither loopback nor a private address",
		"https://api.prod.example":        "points at api.prod.example (203.0.113.10)",
		"https://split.example":           "split.example (198.51.100.7)",
		"https://nowhere.example":         "does not resolve",
	} {
		c := Cluster{Context: "ctx", Server: server}
		err := CheckLocal(context.Background(), c, false, resolve)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s refused: %v", server, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `context "ctx"`) || !strings.Contains(err.Error(), "YES=1")):
			t.Errorf("%s: err = %v, want …%s…", server, err, want)
		}
		if want != "" {
			if err := CheckLocal(context.Background(), c, true, resolve); err != nil {
				t.Errorf("%s with yes: %v", server, err)
			}
		}
	}
}
