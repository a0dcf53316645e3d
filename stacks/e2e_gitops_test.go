//go:build e2e

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/plinth-dev/plinth/components/flux"
)

var (
	kustomizationsGVR  = schema.GroupVersionResource{Group: "kustomize.toolkit.fluxcd.io", Version: "v1", Resource: "kustomizations"}
	gitRepositoriesGVR = schema.GroupVersionResource{Group: "source.toolkit.fluxcd.io", Version: "v1", Resource: "gitrepositories"}
)

// gitopsStackFile turns the local stack file into one with GitOps
// delivery from url: a third app, worker, with a fixed replica count
// (so a scale is drift Flux owns), and, for local, promotion from the
// candidate environment.
func gitopsStackFile(raw, url, promoteFrom string) string {
	block := fmt.Sprintf(`  plinth:delivery: gitops
  plinth:gitops:
    url: %s
    fetchInterval: 5s
    interval: 5s
    timeout: 2m
    sourceControllerImage: registry.example.com/fluxcd/source-controller:%s
    kustomizeControllerImage: registry.example.com/fluxcd/kustomize-controller:%s
`, url, flux.SourceControllerVersion, flux.KustomizeControllerVersion)
	if promoteFrom != "" {
		block += "    promoteFrom: " + promoteFrom + "\n"
	}
	s := strings.Replace(raw, "config:\n", "config:\n"+block, 1)
	return strings.Replace(s, "  plinth:apps:\n", `  plinth:apps:
    - name: worker
      image: registry.example.com/plinth/worker:1.0.0
      replicas: 2
      autoscaling:
        enabled: false
`, 1)
}

// startGitServer runs bin/gitserver on a directory and returns its URL.
func startGitServer(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "bin", "gitserver"), "-root", t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the git server (make flux-tools builds it): %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the git server printed no URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// TestE2EGitOps: the local environment delivered by the real Flux
// controllers from a repository on a loopback git server, rendered by
// `gitops render`: the first sync, a promotion, drift corrected, a
// manifest removed and pruned, a revert rolled back, a Secret encrypted
// in git and decrypted in the cluster, and destroy.
func TestE2EGitOps(t *testing.T) {
	e := setup(t)
	root := e.driver.Root
	ctx := context.Background()
	if err := e.cluster.InstallCRDs(ctx, flux.CRDs, "crds/*.yaml"); err != nil {
		t.Fatal(err)
	}
	url := startGitServer(t, root) + "/deploy.git"

	// The stack files: local (synced here) and candidate (the environment
	// local is promoted from, whose overlay only the repository holds).
	work := e.driver.WorkDir
	raw, err := os.ReadFile(filepath.Join(work, "Pulumi.local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "Pulumi.local.yaml"), []byte(gitopsStackFile(string(raw), url, "candidate")), 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.driver.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetConfig(ctx, "plinth:gitopsAgeKey", auto.ConfigValue{Value: id.String(), Secret: true}); err != nil {
		t.Fatal(err)
	}
	local, _ := os.ReadFile(filepath.Join(work, "Pulumi.local.yaml"))
	candidate := strings.Replace(string(local), "    promoteFrom: candidate\n", "", 1)
	if err := os.WriteFile(filepath.Join(work, "Pulumi.candidate.yaml"), []byte(candidate), 0o600); err != nil {
		t.Fatal(err)
	}

	// The repository, rendered and pushed.
	repo := t.TempDir()
	for _, v := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		t.Setenv(v, "plinth e2e")
	}
	for _, v := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(v, "e2e@example.com")
	}
	git(t, repo, "init", "-q", "-b", "main")
	render := func(stack string) {
		t.Helper()
		start := time.Now()
		if err := e.driver.RenderGitOps(ctx, repo, stack); err != nil {
			t.Fatalf("gitops render: %v", err)
		}
		t.Logf("gitops render --stack %q: %.1fs", stack, time.Since(start).Seconds())
	}
	commit := func(msg string) string {
		t.Helper()
		git(t, repo, "add", "-A")
		git(t, repo, "commit", "-q", "-m", msg)
		git(t, repo, "push", "-q", url, "HEAD:main")
		return strings.TrimSpace(git(t, repo, "rev-parse", "HEAD"))
	}
	render("local")
	head := commit("render local and candidate")

	// The real controllers, out of cluster, against the local control
	// plane; kustomize-controller applies as the applier.
	storage := t.TempDir()
	artifacts := freePort(t)
	env := []string{"KUBECONFIG=" + e.cluster.KubeconfigPath, "RUNTIME_NAMESPACE=flux-system"}
	startProcess(t, root, "source-controller", env,
		"--storage-path="+storage, fmt.Sprintf("--storage-addr=127.0.0.1:%d", artifacts),
		fmt.Sprintf("--storage-adv-addr=127.0.0.1:%d", artifacts),
		fmt.Sprintf("--metrics-addr=127.0.0.1:%d", freePort(t)), fmt.Sprintf("--health-addr=127.0.0.1:%d", freePort(t)))
	startProcess(t, root, "kustomize-controller", env,
		"--no-remote-bases=true", "--default-service-account=flux-applier",
		fmt.Sprintf("--metrics-addr=127.0.0.1:%d", freePort(t)), fmt.Sprintf("--health-addr=127.0.0.1:%d", freePort(t)))

	// Pulumi bootstraps Flux: its up waits for the first fetch.
	bootstrap := time.Now()
	e.up(t)
	waitApplied := func(what, sha string, since time.Time) {
		t.Helper()
		start := since
		request(t, e, gitRepositoriesGVR, flux.RepositoryName)
		request(t, e, kustomizationsGVR, "local")
		eventually(t, 3*time.Minute, what, func() error {
			k, err := e.dyn.Resource(kustomizationsGVR).Namespace("flux-system").Get(ctx, "local", metav1.GetOptions{})
			if err != nil {
				return err
			}
			rev, _, _ := unstructuredString(k.Object, "status", "lastAppliedRevision")
			if !strings.HasSuffix(rev, sha) {
				return errorf("applied %q, want %s; %s", rev, sha, readyMessage(k.Object))
			}
			if !ready(k.Object) {
				return errorf("not Ready: %s", readyMessage(k.Object))
			}
			return nil
		})
		t.Logf("%s: Kustomization Ready at %s, %.1fs after the push", what, sha[:8], time.Since(start).Seconds())
	}
	waitApplied("the first sync (from the up's start)", head, bootstrap)
	eventually(t, 2*time.Minute, "every Deployment rolled out", func() error {
		pending, err := pendingDeployments(ctx, e.dyn)
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return errorf("%v", pending)
		}
		return nil
	})
	t.Logf("every Deployment rolled out (verify's rule), %.1fs after the up began", time.Since(bootstrap).Seconds())
	for _, ns := range []string{"web", "shop", "worker"} {
		if _, err := e.kube.AppsV1().Deployments(ns).Get(ctx, map[string]string{"web": "web", "shop": "checkout-blue", "worker": "worker"}[ns], metav1.GetOptions{}); err != nil {
			t.Fatalf("Flux did not apply %s: %v", ns, err)
		}
	}
	// Flux's objects, not the stack's: the stack's prune never sees them.
	if d, _ := e.kube.AppsV1().Deployments("web").Get(ctx, "web", metav1.GetOptions{}); d.Labels["plinth.dev/stack"] != "" || d.Labels["kustomize.toolkit.fluxcd.io/name"] != "local" {
		t.Fatalf("web's labels: %v", d.Labels)
	}

	t.Run("a Secret is encrypted in git and decrypted in the cluster", func(t *testing.T) {
		file := filepath.Join(repo, "envs", "local", "secrets", "web-web-env.yaml")
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), localDBPassword) || !strings.Contains(string(b), "ENC[AES256_GCM,") {
			t.Fatalf("the Secret in git:\n%s", b)
		}
		sec, err := e.kube.CoreV1().Secrets("web").Get(ctx, "web-env", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(sec.Data["DB_PASSWORD"]) != localDBPassword {
			t.Fatalf("the Secret in the cluster has DB_PASSWORD %q", sec.Data["DB_PASSWORD"])
		}
		// Rendering again keeps the encrypted file as it is.
		render("local")
		if after, _ := os.ReadFile(file); string(after) != string(b) {
			t.Fatal("a second render re-encrypted an unchanged Secret")
		}
		if st := git(t, repo, "status", "--porcelain"); st != "" {
			t.Fatalf("a second render changed:\n%s", st)
		}
	})

	t.Run("a promotion is applied without unavailability", func(t *testing.T) {
		// candidate gets web 1.1.0; local is promoted from it.
		p := filepath.Join(work, "Pulumi.candidate.yaml")
		c, _ := os.ReadFile(p)
		_ = os.WriteFile(p, []byte(strings.Replace(string(c), "plinth/web:1.0.0", "plinth/web:1.1.0", 1)), 0o600)
		render("")
		commit("candidate: web 1.1.0")
		var out strings.Builder
		branch, err := promote(ctx, &out, work, repo, "", "local")
		if err != nil || branch == "" {
			t.Fatalf("promote: %q %v", branch, err)
		}
		t.Log(strings.TrimSpace(out.String()))
		git(t, repo, "switch", "-q", "main")
		git(t, repo, "merge", "-q", "--ff-only", branch)
		pushed := time.Now()
		git(t, repo, "push", "-q", url, "HEAD:main")
		sha := strings.TrimSpace(git(t, repo, "rev-parse", "HEAD"))
		lowest := e.watchAvailable("web", "web")
		waitApplied("the promotion", sha, pushed)
		eventually(t, 2*time.Minute, "web on 1.1.0, rolled out", func() error {
			d, err := e.kube.AppsV1().Deployments("web").Get(ctx, "web", metav1.GetOptions{})
			if err != nil {
				return err
			}
			if img := d.Spec.Template.Spec.Containers[0].Image; img != "registry.example.com/plinth/web:1.1.0" {
				return errorf("image %s", img)
			}
			if pending, err := pendingDeployments(ctx, e.dyn); err != nil || len(pending) > 0 {
				return errorf("%v %v", pending, err)
			}
			return nil
		})
		m := lowest()
		if m < 2 {
			t.Fatalf("web had %d available pods during the promotion, below its minimum of 2", m)
		}
		t.Logf("web stayed at %d or more available pods", m)
	})

	t.Run("drift is corrected on the next interval", func(t *testing.T) {
		scale, err := e.kube.AppsV1().Deployments("worker").GetScale(ctx, "worker", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		scale.Spec.Replicas = 5
		if _, err := e.kube.AppsV1().Deployments("worker").UpdateScale(ctx, "worker", scale, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := e.kube.AppsV1().Deployments("shop").Delete(ctx, "checkout-blue", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		eventually(t, 2*time.Minute, "worker back at 2 replicas, checkout-blue back", func() error {
			d, err := e.kube.AppsV1().Deployments("worker").Get(ctx, "worker", metav1.GetOptions{})
			if err != nil {
				return err
			}
			if *d.Spec.Replicas != 2 {
				return errorf("worker has %d replicas", *d.Spec.Replicas)
			}
			if _, err := e.kube.AppsV1().Deployments("shop").Get(ctx, "checkout-blue", metav1.GetOptions{}); err != nil {
				return err
			}
			return nil
		})
		t.Logf("drift corrected in %.1fs (interval 5s)", time.Since(start).Seconds())
	})

	var withWorker string
	t.Run("a manifest removed from git is pruned", func(t *testing.T) {
		withWorker = strings.TrimSpace(git(t, repo, "rev-parse", "HEAD"))
		for _, stack := range []string{"Pulumi.local.yaml", "Pulumi.candidate.yaml"} {
			p := filepath.Join(work, stack)
			c, _ := os.ReadFile(p)
			_ = os.WriteFile(p, []byte(strings.Replace(string(c), `    - name: worker
      image: registry.example.com/plinth/worker:1.0.0
      replicas: 2
      autoscaling:
        enabled: false
`, "", 1)), 0o600)
		}
		render("")
		pushed := time.Now()
		sha := commit("worker leaves")
		waitApplied("the removal", sha, pushed)
		start := time.Now()
		eventually(t, 2*time.Minute, "worker pruned", func() error {
			if _, err := e.kube.CoreV1().Namespaces().Get(ctx, "worker", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return errorf("namespace worker: %v", err)
			}
			return nil
		})
		t.Logf("worker's namespace gone %.1fs after the apply", time.Since(start).Seconds())
	})

	t.Run("git revert brings the previous state back", func(t *testing.T) {
		git(t, repo, "revert", "--no-edit", "HEAD")
		pushed := time.Now()
		git(t, repo, "push", "-q", url, "HEAD:main")
		sha := strings.TrimSpace(git(t, repo, "rev-parse", "HEAD"))
		waitApplied("the revert", sha, pushed)
		eventually(t, 2*time.Minute, "worker back", func() error {
			d, err := e.kube.AppsV1().Deployments("worker").Get(ctx, "worker", metav1.GetOptions{})
			if err != nil {
				return err
			}
			if d.Status.AvailableReplicas != 2 {
				return errorf("%d available", d.Status.AvailableReplicas)
			}
			return nil
		})
		if got := git(t, repo, "diff", withWorker, "HEAD", "--stat"); strings.TrimSpace(got) != "" {
			t.Fatalf("the revert is not the state before the removal:\n%s", got)
		}
	})

	t.Run("destroy removes Flux and what it applied", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		if err := e.driver.Destroy(dctx); err != nil {
			t.Fatalf("destroy: %s", brief(err))
		}
		eventually(t, 2*time.Minute, "the applications gone", func() error {
			for _, ns := range []string{"web", "shop", "flux-system"} {
				if _, err := e.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
					return errorf("namespace %s: %v", ns, err)
				}
			}
			return nil
		})
	})
}

// request asks Flux to reconcile an object now, as `flux reconcile`
// does (reconcile.fluxcd.io/requestedAt).
func request(t *testing.T, e *e2e, gvr schema.GroupVersionResource, name string) {
	t.Helper()
	patch := fmt.Sprintf(`{"metadata":{"annotations":{"reconcile.fluxcd.io/requestedAt":%q}}}`, time.Now().Format(time.RFC3339Nano))
	if _, err := e.dyn.Resource(gvr).Namespace("flux-system").Patch(context.Background(), name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("request a reconciliation of %s: %v", name, err)
	}
}

func unstructuredString(o map[string]any, path ...string) (string, bool, error) {
	var cur any = o
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false, nil
		}
		cur = m[p]
	}
	s, ok := cur.(string)
	return s, ok, nil
}

func conditions(o map[string]any) []map[string]any {
	st, _ := o["status"].(map[string]any)
	list, _ := st["conditions"].([]any)
	var out []map[string]any
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func ready(o map[string]any) bool {
	for _, c := range conditions(o) {
		if c["type"] == "Ready" {
			return c["status"] == "True"
		}
	}
	return false
}

func readyMessage(o map[string]any) string {
	for _, c := range conditions(o) {
		if c["type"] == "Ready" {
			return fmt.Sprintf("%v: %v", c["reason"], c["message"])
		}
	}
	return "no Ready condition"
}
