package eksaddon

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	for _, name := range []string{VPCCNI, KubeProxy, CoreDNS, PodIdentityAgent, EBSCSIDriver, MetricsServer} {
		for _, minor := range []string{"1.32", "1.33", "1.34", "1.35", "1.36"} {
			v, ok := Version(name, minor)
			if !ok || !VersionRE.MatchString(v) {
				t.Errorf("%s on %s: %q (%v), want a version of the API's form", name, minor, v, ok)
			}
			if name == KubeProxy {
				if err := CheckKubeProxy(v, minor); err != nil || !strings.HasPrefix(v, "v"+minor+".") {
					t.Errorf("kube-proxy's own row for %s is %s: %v", minor, v, err)
				}
			}
		}
	}
	if _, ok := Version("no-such-addon", "1.36"); ok {
		t.Errorf("an unknown add-on has a version")
	}
	if _, ok := Version(KubeProxy, "1.20"); ok {
		t.Errorf("kube-proxy has a version for a minor the table does not hold")
	}
}

func TestCheckKubeProxy(t *testing.T) {
	for _, tt := range []struct{ version, minor, want string }{
		{"v1.36.0-eksbuild.14", "1.36", ""},
		{"v1.33.10-eksbuild.13", "1.36", ""}, // three behind: allowed
		{"v1.32.13-eksbuild.16", "1.36", "4 minor versions behind"},
		{"v1.36.0-eksbuild.14", "1.35", "must not be newer than the API server"},
		{"v1.35.3-minimal-eksbuild.2", "1.35", ""},
	} {
		err := CheckKubeProxy(tt.version, tt.minor)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckKubeProxy(%s, %s) = %v", tt.version, tt.minor, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckKubeProxy(%s, %s) = %v, want %q", tt.version, tt.minor, err, tt.want)
		}
	}
}
