package localbackend_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/pkg/localbackend"
)

// TestBackendServesABucketAndKeys starts moto_server for real: the bucket
// exists, a key is created once per alias, and the URLs name the
// endpoint the way Pulumi's DIY backend and awskms provider read them.
func TestBackendServesABucketAndKeys(t *testing.T) {
	b := localbackend.Start(t)
	ctx := context.Background()
	if keys, err := b.Keys(ctx, ""); err != nil || len(keys) != 0 {
		t.Fatalf("a new bucket lists %v (%v), want it empty", keys, err)
	}
	u, err := url.Parse(b.URL())
	if err != nil || u.Scheme != "s3" || u.Host != localbackend.DefaultBucket ||
		u.Query().Get("endpoint") != b.Endpoint || u.Query().Get("s3ForcePathStyle") != "true" {
		t.Fatalf("backend URL %s", b.URL())
	}
	first, err := b.SecretsProvider(ctx, "plinth-test")
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.SecretsProvider(ctx, "plinth-test")
	if err != nil || again != first || !strings.HasPrefix(first, "awskms://alias/plinth-test?") {
		t.Fatalf("secrets provider %q then %q (%v)", first, again, err)
	}
	if !localbackend.Running(b.Dir()) {
		t.Fatal("Running says the backend is not running")
	}
	// Up on the same directory reuses the running server.
	reused, err := localbackend.Up(ctx, localbackend.Options{StateDir: b.Dir()})
	if err != nil || reused.Endpoint != b.Endpoint {
		t.Fatalf("Up on a running backend: %v at %s, want %s", err, reused.Endpoint, b.Endpoint)
	}
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	if localbackend.Running(b.Dir()) {
		t.Fatal("still running after Stop")
	}
}

func TestUpNeedsAStateDir(t *testing.T) {
	if _, err := localbackend.Up(context.Background(), localbackend.Options{}); err == nil || !strings.Contains(err.Error(), "StateDir") {
		t.Fatalf("err = %v, want it to name StateDir", err)
	}
}
