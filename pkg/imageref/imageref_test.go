package imageref

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	digest := "sha256:" + strings.Repeat("a", 64)
	tests := []struct {
		name         string
		ref          string
		allowMutable bool
		wantErr      string
	}{
		{"accepts a tagged image", "nginx:1.27", false, ""},
		{"accepts a registry, path and tag", "ghcr.io/acme/web:1.4.2", false, ""},
		{"accepts a digest", "ghcr.io/acme/web@" + digest, false, ""},
		{"accepts a tag and a digest", "ghcr.io/acme/web:1.4.2@" + digest, false, ""},
		{"rejects an image without a tag", "nginx", false, `"nginx" has no tag or digest: pin a tag or a digest`},
		{"rejects latest", "nginx:latest", false, `uses the mutable tag "latest"`},
		{"allows latest when asked", "nginx:latest", true, ""},
		{"rejects uppercase repositories", "acme/Web:1", false, "is not a valid image reference"},
		{"rejects an uppercase first element read as a registry host", "ACME/web:1.0", false, `names "ACME" as its registry host, which has no dot or port`},
		{"accepts localhost as a registry", "localhost/acme/web:1.0", false, ""},
		{"accepts a registry with a port", "registry:5000/acme/web:1.0", false, ""},
		{"rejects an empty reference", "", true, "is empty"},
		{"rejects spaces", " nginx:1", true, "surrounding spaces"},
		{"rejects a malformed digest", "nginx@sha256:xyz", false, "is not a valid image reference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.ref, tt.allowMutable)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.ref, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check(%q) = %v, want an error containing %q", tt.ref, err, tt.wantErr)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	r, err := Parse("ghcr.io/acme/web:1.4.2")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "ghcr.io/acme/web" || r.Tag != "1.4.2" || r.Version() != "1.4.2" || !r.Pinned() {
		t.Fatalf("Parse = %+v, want name ghcr.io/acme/web, tag 1.4.2, pinned", r)
	}
	r, _ = Parse("nginx")
	if r.Name != "docker.io/library/nginx" || r.Pinned() {
		t.Fatalf("Parse(nginx) = %+v, want the normalised name and not pinned", r)
	}
}
