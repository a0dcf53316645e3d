//go:build e2e

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/localbackend"
)

// sharedStack is the stack the shared-backend tests deploy: the local
// stack's config, its secrets under a KMS key instead of a passphrase.
const sharedStack = "shared"

// shared is an e2e environment whose state lives in an S3 bucket and whose
// secrets are encrypted by KMS, both served by moto on loopback.
type shared struct {
	*e2e
	backend *localbackend.Backend
	kmsURL  string
}

func setupShared(t *testing.T) *shared {
	t.Helper()
	e := setup(t)
	ctx := context.Background()
	b := localbackend.Start(t)
	for k, v := range b.Env() {
		t.Setenv(k, v)
	}
	// No passphrase for this stack: its secrets provider is KMS.
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	if err := os.Unsetenv("PULUMI_CONFIG_PASSPHRASE"); err != nil {
		t.Fatal(err)
	}
	kmsURL, err := b.SecretsProvider(ctx, "plinth-"+sharedStack)
	if err != nil {
		t.Fatal(err)
	}
	// The local stack's config without its passphrase-encrypted values;
	// the secret is set again below, encrypted by KMS.
	raw, err := os.ReadFile(filepath.Join(e.driver.WorkDir, "Pulumi.local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	delete(file, "encryptionsalt")
	delete(file["config"].(map[string]any), "plinth:dbPassword")
	out, err := yaml.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.driver.WorkDir, "Pulumi."+sharedStack+".yaml"), out, 0o600); err != nil {
		t.Fatal(err)
	}
	e.driver.Stack, e.driver.SecretsProvider = sharedStack, kmsURL
	s, err := e.driver.Open(ctx)
	if err != nil {
		t.Fatalf("create the stack in the bucket: %v\n%s", err, e.log.String())
	}
	if err := s.SetConfig(ctx, "plinth:dbPassword", auto.ConfigValue{Value: localDBPassword, Secret: true}); err != nil {
		t.Fatal(err)
	}
	return &shared{e2e: e, backend: b, kmsURL: kmsURL}
}

// stateKey is the stack's state object in the bucket.
func stateKey() string { return ".pulumi/stacks/" + projectName + "/" + sharedStack + ".json" }

func (s *shared) locks(t *testing.T) []string {
	t.Helper()
	keys, err := s.backend.Keys(context.Background(), ".pulumi/locks/")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// resources returns the URNs of the stack's state, failing on duplicates.
func (s *shared) resources(t *testing.T) []string {
	t.Helper()
	st, err := s.driver.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dep, err := st.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var urns []string
	for _, r := range d.Resources {
		u := string(r.URN)
		if seen[u] {
			t.Fatalf("the state holds %s twice", u)
		}
		seen[u] = true
		urns = append(urns, u)
	}
	return urns
}

// TestE2ESharedState runs the local stack with its state in an S3 bucket
// and its secrets under a KMS key (moto on loopback): what a team sharing
// state relies on.
func TestE2ESharedState(t *testing.T) {
	s := setupShared(t)
	ctx := context.Background()

	t.Run("the state lives in the bucket, encrypted by KMS", func(t *testing.T) {
		s.up(t)
		state, err := s.backend.Object(ctx, stateKey())
		if err != nil {
			t.Fatalf("no state object %s in the bucket: %v", stateKey(), err)
		}
		for what, needle := range map[string]string{
			"the DB password":          localDBPassword,
			"the DB password (base64)": base64.StdEncoding.EncodeToString([]byte(localDBPassword)),
		} {
			if bytes.Contains(state, []byte(needle)) {
				t.Errorf("the state object holds %s in plaintext", what)
			}
		}
		var doc struct {
			Checkpoint struct {
				Latest struct {
					SecretsProviders struct {
						Type  string `json:"type"`
						State struct {
							URL string `json:"url"`
						} `json:"state"`
					} `json:"secrets_providers"`
				} `json:"latest"`
			} `json:"checkpoint"`
		}
		if err := json.Unmarshal(state, &doc); err != nil {
			t.Fatal(err)
		}
		if sp := doc.Checkpoint.Latest.SecretsProviders; sp.Type != "cloud" || !strings.HasPrefix(sp.State.URL, "awskms://alias/plinth-"+sharedStack+"?") {
			t.Errorf("the state's secrets provider is %+v, want the KMS key", sp)
		}
		cfg, err := os.ReadFile(filepath.Join(s.driver.WorkDir, "Pulumi."+sharedStack+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(cfg), "secretsprovider: awskms://") || strings.Contains(string(cfg), "encryptionsalt") || strings.Contains(string(cfg), localDBPassword) {
			t.Errorf("the stack file is not KMS-encrypted:\n%s", cfg)
		}
		// The secret still reaches the cluster.
		sec, err := s.kube.CoreV1().Secrets("web").Get(ctx, "web-env", metav1.GetOptions{})
		if err != nil || string(sec.Data["DB_PASSWORD"]) != localDBPassword {
			t.Fatalf("web-env Secret: %v, want the DB password from KMS-encrypted config", err)
		}
		if l := s.locks(t); len(l) != 0 {
			t.Fatalf("locks left after a finished up: %v", l)
		}
	})

	t.Run("a second up while one runs fails at once on the lock, naming its holder", func(t *testing.T) {
		before := s.resources(t)
		s.setConfig(t, "plinth:apps[0].image", "registry.example.com/plinth/web:1.1.0")
		first := make(chan error, 1)
		go func() {
			_, err := s.driver.Up(ctx)
			first <- err
		}()
		// Hold the first up (SIGSTOP) as soon as it has taken the lock,
		// so the second meets the lock however fast the first would
		// finish on its own.
		var resume func()
		eventually(t, 2*time.Minute, "the first up holds the lock", func() error {
			if len(s.locks(t)) == 0 {
				return errorf("no lock object yet")
			}
			resume = stopChildCLI(t)
			return nil
		})
		if len(s.locks(t)) == 0 {
			t.Fatal("the first up released its lock before it could be held")
		}
		second := &Driver{Root: s.driver.Root, WorkDir: s.driver.WorkDir, Stack: sharedStack, Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
		start := time.Now()
		_, err := second.Up(ctx)
		took := time.Since(start)
		if err == nil {
			t.Fatal("the second up ran alongside the first")
		}
		msg := err.Error()
		if !strings.Contains(msg, "the stack is currently locked by 1 lock(s)") || !strings.Contains(msg, "created by") {
			t.Fatalf("the second up failed without naming the lock and its holder: %v", msg)
		}
		if took > 30*time.Second {
			t.Errorf("the second up took %s to fail: it should fail at once", took)
		}
		t.Logf("the second up failed after %.1fs: %s", took.Seconds(), firstLine(msg, "locked"))
		resume()
		if err := <-first; err != nil {
			t.Fatalf("the first up failed: %s", brief(err))
		}
		if after := s.resources(t); len(after) != len(before) {
			t.Fatalf("the state has %d resources after the contested up, %d before", len(after), len(before))
		}
		if d := s.deployment(t, "web", "web"); d.Spec.Template.Spec.Containers[0].Image != "registry.example.com/plinth/web:1.1.0" {
			t.Fatalf("the first up's change is not deployed: %s", d.Spec.Template.Spec.Containers[0].Image)
		}
		if l := s.locks(t); len(l) != 0 {
			t.Fatalf("locks left: %v", l)
		}
	})

	t.Run("a run killed mid-update leaves a lock that cancel clears, and the next up converges", func(t *testing.T) {
		s.setConfig(t, "plinth:apps[2].name", "orders")
		s.setConfig(t, "plinth:apps[2].namespace", "shop")
		s.setConfig(t, "plinth:apps[2].image", "registry.example.com/plinth/orders:1.0.0")
		wctx, stopWatching := context.WithCancel(ctx)
		done := killWhenCreated(wctx, t, s.kube, "shop", "orders")
		_, err := s.driver.Up(ctx)
		stopWatching()
		if !<-done {
			t.Fatalf("the up ended before it created shop/orders, so it was never killed: %s", brief(err))
		}
		if err == nil {
			t.Fatal("the killed up succeeded; it was not interrupted")
		}
		if len(s.locks(t)) == 0 {
			t.Fatal("the killed up left no lock: it was not holding one")
		}
		if _, err := s.driver.Up(ctx); err == nil || !strings.Contains(err.Error(), "currently locked") {
			t.Fatalf("an up after the kill: %s, want it refused by the stale lock", brief(err))
		}
		rctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		if err := s.driver.Recover(rctx, false); err != nil {
			t.Fatalf("cancel and recover: %s", brief(err))
		}
		if l := s.locks(t); len(l) != 0 {
			t.Fatalf("locks left after cancel: %v", l)
		}
		s.up(t)
		s.upUnchanged(t, "the up after recovery")
	})

	t.Run("a backup restores a state that matches the cluster", func(t *testing.T) {
		before := s.resources(t)
		st, err := s.driver.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		backup, err := st.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "backup.json")
		b, _ := json.Marshal(backup)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(localDBPassword)) {
			t.Fatal("the backup holds the DB password in plaintext")
		}
		// Lose the state, as a deleted or corrupted object would.
		if err := s.backend.Delete(ctx, stateKey()); err != nil {
			t.Fatal(err)
		}
		keys, _ := s.backend.Keys(ctx, ".pulumi/stacks/")
		for _, k := range keys {
			if k == stateKey() {
				t.Fatal("the state object is still there")
			}
		}
		var restored apitype.UntypedDeployment
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &restored); err != nil {
			t.Fatal(err)
		}
		if n := len(s.resources(t)); n != 0 { // Open created the stack again, empty
			t.Fatalf("the stack has %d resources with its state object deleted", n)
		}
		st, err = s.driver.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Import(ctx, restored); err != nil {
			t.Fatalf("import: %s", brief(err))
		}
		s.deploymentsSettled(t)
		if err := s.driver.Refresh(ctx); err != nil {
			t.Fatalf("refresh: %s", brief(err))
		}
		if after := s.resources(t); len(after) != len(before) {
			t.Fatalf("the restored state has %d resources, the backup %d", len(after), len(before))
		}
		s.upUnchanged(t, "the restored state does not match the cluster")
	})

	t.Run("destroy leaves nothing", func(t *testing.T) {
		if err := s.driver.Destroy(ctx); err != nil {
			t.Fatalf("destroy: %s", brief(err))
		}
		if n := len(s.resources(t)); n != 0 {
			t.Fatalf("%d resources left in the state", n)
		}
	})
}

// firstLine returns the first line of s that contains sub.
func firstLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
