//go:build e2e

package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var clusterPoliciesGVR = schema.GroupVersionResource{Group: "kyverno.io", Version: "v1", Resource: "clusterpolicies"}

// tool runs one of the tools make kyverno-tools builds, and returns its
// standard output.
func tool(t *testing.T, root string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "bin", name), args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// startRegistry runs go-containerregistry's in-memory registry on
// loopback and returns its host:port.
func startRegistry(t *testing.T, root string) string {
	t.Helper()
	port := freePort(t)
	startProcess(t, root, "registry", nil, "-port", fmt.Sprint(port))
	host := fmt.Sprintf("127.0.0.1:%d", port)
	eventually(t, 10*time.Second, "the registry answers", func() error {
		c, err := net.Dial("tcp", host)
		if err == nil {
			c.Close()
		}
		return err
	})
	return host
}

// pushImage pushes a one-layer image whose only file says what it is, and
// returns its digest.
func pushImage(t *testing.T, root, ref, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "version"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	layer := filepath.Join(t.TempDir(), "layer.tar")
	if out, err := exec.Command("tar", "-C", dir, "-cf", layer, "version").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	tool(t, root, nil, "crane", "append", "--new_layer", layer, "--new_tag", ref)
	return tool(t, root, nil, "crane", "digest", ref)
}

// kyvernoCRDs are the CRDs of Kyverno's module, the one tools/kyverno
// builds the controller from.
func kyvernoCRDs(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/kyverno/kyverno")
	cmd.Dir = filepath.Join(root, "tools", "kyverno")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("find Kyverno's module (make kyverno-tools downloads it): %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "config", "crds")
}

// startKyverno runs Kyverno's admission controller out of cluster against
// the local control plane: the API server calls its webhooks at
// https://127.0.0.1:<port>, and Kyverno signs their certificate for that
// address. It treats a missing kyverno Deployment as its own shutdown, so
// the Deployment exists (kwok runs its pod), with its namespace and its
// ConfigMap.
func startKyverno(t *testing.T, e *e2e) {
	t.Helper()
	ctx := context.Background()
	crds := kyvernoCRDs(t, e.driver.Root)
	for _, sub := range []string{"kyverno", "policies.kyverno.io", "policyreport", "reports"} {
		if err := e.cluster.InstallCRDs(ctx, os.DirFS(crds), sub+"/*.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kyverno"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, cm := range []string{"kyverno", "kyverno-metrics"} {
		if _, err := e.kube.CoreV1().ConfigMaps("kyverno").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cm}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	labels := map[string]string{"app.kubernetes.io/name": "kyverno"}
	one := int32(1)
	if _, err := e.kube.AppsV1().Deployments("kyverno").Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "kyverno", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "kyverno", Image: "registry.example.com/kyverno/kyverno:v1.19.1"}}}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	// The variables the chart sets from the pod's environment.
	env := []string{"KYVERNO_NAMESPACE=kyverno", "KYVERNO_SERVICEACCOUNT_NAME=kyverno-admission-controller",
		"KYVERNO_DEPLOYMENT=kyverno", "KYVERNO_POD_NAME=kyverno-e2e", "INIT_CONFIG=kyverno", "METRICS_CONFIG=kyverno-metrics"}
	startProcess(t, e.driver.Root, "kyverno", env,
		"--kubeconfig="+e.cluster.KubeconfigPath,
		fmt.Sprintf("--serverIP=127.0.0.1:%d", port), "--webhookServerHost=127.0.0.1", fmt.Sprintf("--webhookServerPort=%d", port),
		// As the chart sets them.
		"--caSecretName=kyverno-svc.kyverno.svc.kyverno-tls-ca", "--tlsSecretName=kyverno-svc.kyverno.svc.kyverno-tls-pair",
		"--backgroundServiceAccountName=system:serviceaccount:kyverno:kyverno-background-controller",
		"--reportsServiceAccountName=system:serviceaccount:kyverno:kyverno-reports-controller",
		"--metricsHost=127.0.0.1", fmt.Sprintf("--metricsPort=%d", freePort(t)), "--disableMetrics",
		"--controllerRuntimeMetricsAddress=0", "--admissionReports=false",
		// The registry is plain HTTP on loopback.
		"--allowInsecureRegistry",
	)
	// Its webhook server answers once its certificate is issued.
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a probe of a loopback test server
	waitOK(t, client, fmt.Sprintf("https://127.0.0.1:%d/health/liveness", port), "Kyverno's webhook server answers", 2*time.Minute)
}

// TestE2ESignedImages: only signed images run. A real Kyverno verifies, at
// admission, the cosign signatures of images in a registry on loopback,
// with the policy the stack renders from plinth:imagePolicy:
//  1. an unsigned image is refused, and the up names it and the policy;
//  2. a signed one is admitted, pinned to the digest that was verified;
//  3. a no-change up after it changes nothing;
//  4. the mistake rule PL-D-031 names, made for real (waived): a tag is
//     rewritten to its digest at admission, and every later up shows it;
//  5. once the signature is deleted, the next rollout of the image is
//     refused, and so is a new pod of the running Deployment.
func TestE2ESignedImages(t *testing.T) {
	e := setup(t)
	root := e.driver.Root
	ctx := context.Background()
	reg := startRegistry(t, root)
	repo := reg + "/plinth/web"
	signed := repo + ":1.1.0@" + pushImage(t, root, repo+":1.1.0", "signed")
	unsigned := repo + ":1.1.0-unsigned@" + pushImage(t, root, repo+":1.1.0-unsigned", "unsigned")

	// A key pair, and the signature of one image, made offline (no
	// transparency log here), as a pipeline with its own key would.
	keys := t.TempDir()
	cosignEnv := []string{"COSIGN_PASSWORD=", "COSIGN_YES=true", "TUF_ROOT=" + t.TempDir()}
	cmd := exec.Command(filepath.Join(root, "bin", "cosign"), "generate-key-pair")
	cmd.Dir, cmd.Env = keys, append(os.Environ(), cosignEnv...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	tool(t, root, cosignEnv, "cosign", "sign", "--key", filepath.Join(keys, "cosign.key"),
		"--use-signing-config=false", "--tlog-upload=false", "--new-bundle-format=false", signed)
	pub, err := os.ReadFile(filepath.Join(keys, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	startKyverno(t, e)

	// The policy, in Enforce (local defaults to Audit), covering the
	// registry; verification is not cached, so a deleted signature counts
	// at the next admission (imagepolicy.Args.UseCache).
	work := e.driver.WorkDir
	raw, err := os.ReadFile(filepath.Join(work, "Pulumi.local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	indented := "          " + strings.ReplaceAll(strings.TrimSpace(string(pub)), "\n", "\n          ")
	block := fmt.Sprintf(`  plinth:imagePolicy:
    images: ["%s/*"]
    mode: Enforce
    transparencyLog: false
    useCache: false
    keys:
      - |
%s
`, reg, indented)
	stackFile := strings.Replace(string(raw), "config:\n", "config:\n"+block, 1)
	stackFile = strings.Replace(stackFile, "image: registry.example.com/plinth/web:1.0.0", "image: "+unsigned, 1)
	if err := os.WriteFile(filepath.Join(work, "Pulumi.local.yaml"), []byte(stackFile), 0o600); err != nil {
		t.Fatal(err)
	}

	// 1. The unsigned image is refused, and the up says which and why.
	start := time.Now()
	err = e.upErr(t)
	if err == nil {
		t.Fatal("the up with an unsigned image succeeded")
	}
	// Kyverno names an image with a digest by repository and digest.
	for _, want := range []string{repo + "@" + strings.Split(unsigned, "@")[1], "signed-images", "no signatures found"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the refused up does not name %q:\n%s", want, brief(err))
		}
	}
	t.Logf("1. unsigned image refused at admission, the up failed %.1fs after it began: %s", time.Since(start).Seconds(), refusal(err))
	if _, err := e.kube.AppsV1().Deployments("web").Get(ctx, "web", metav1.GetOptions{}); err == nil {
		t.Fatal("the Deployment with the unsigned image exists")
	}
	p, err := e.dyn.Resource(clusterPoliciesGVR).Get(ctx, "signed-images", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !ready(p.Object) {
		t.Fatalf("the policy is not Ready: %s", readyMessage(p.Object))
	}

	// 2. The signed image is admitted, and runs the digest verified.
	e.setConfig(t, "plinth:apps[0].image", signed)
	e.up(t)
	if got := e.deployment(t, "web", "web").Spec.Template.Spec.Containers[0].Image; got != signed {
		t.Fatalf("admitted image %q, want %q", got, signed)
	}
	t.Logf("2. signed image admitted: %s", signed)

	// 3. Nothing fights Pulumi's server-side apply.
	e.upUnchanged(t, "3. the up after the admitted deploy")

	// 4. A tag (PL-D-031 waived): Kyverno rewrites it to the digest, so
	// the live object never matches the program, and every up shows it.
	tag := strings.Split(signed, "@")[0]
	e.setConfig(t, "plinth:waivers[0].rule", "PL-D-031")
	e.setConfig(t, "plinth:waivers[0].resource", "web-deployment")
	e.setConfig(t, "plinth:waivers[0].reason", "the e2e test makes the mistake the rule names")
	e.setConfig(t, "plinth:apps[0].image", tag)
	e.up(t)
	if got := e.deployment(t, "web", "web").Spec.Template.Spec.Containers[0].Image; got != signed {
		t.Fatalf("the tag was admitted as %q, want it mutated to %q", got, signed)
	}
	changed := e.upChanges(t)
	if !strings.Contains(strings.Join(changed, "\n"), "spec.template.spec.containers[0].image") {
		t.Fatalf("4. the no-change up after a mutated tag shows no image diff (PL-D-031 would be wrong): %v", changed)
	}
	t.Logf("4. with a tag, the no-change up still changes: %s", strings.Join(changed, "; "))
	e.setConfig(t, "plinth:apps[0].image", signed)
	s, err := e.driver.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveConfig(ctx, "plinth:waivers"); err != nil {
		t.Fatal(err)
	}
	e.up(t)
	e.upUnchanged(t, "4. back to the digest")

	// 5. The signature is deleted: the image's next rollout, here to the
	// checkout app, is refused; so is a new pod of web.
	digest := strings.Split(signed, "@")[1]
	tool(t, root, nil, "crane", "delete", repo+":"+strings.Replace(digest, ":", "-", 1)+".sig")
	e.setConfig(t, "plinth:apps[1].image", signed)
	err = e.upErr(t)
	if err == nil {
		t.Fatal("the rollout after the signature was deleted succeeded")
	}
	if !strings.Contains(err.Error(), repo+"@"+digest) || !strings.Contains(err.Error(), "signed-images") {
		t.Fatalf("the refused rollout does not name the image and the policy:\n%s", brief(err))
	}
	t.Logf("5. rollout refused once the signature was deleted: %s", refusal(err))
	pods, err := e.kube.CoreV1().Pods("web").List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=web"})
	if err != nil || len(pods.Items) == 0 {
		t.Fatalf("web's pods: %v (%d)", err, len(pods.Items))
	}
	if err := e.kube.CoreV1().Pods("web").Delete(ctx, pods.Items[0].Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "web's ReplicaSet is refused a new pod", func() error {
		evs, err := e.kube.CoreV1().Events("web").List(ctx, metav1.ListOptions{FieldSelector: "reason=FailedCreate"})
		if err != nil {
			return err
		}
		for _, ev := range evs.Items {
			if strings.Contains(ev.Message, "signed-images") {
				t.Logf("5. a new pod of the running Deployment refused: %s", ev.Message[:min(len(ev.Message), 300)])
				return nil
			}
		}
		return errorf("%d FailedCreate events, none from the policy", len(evs.Items))
	})
}

// upErr runs an up that may fail, and returns its error.
func (e *e2e) upErr(t *testing.T) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, err := e.driver.Up(ctx)
	return err
}

// refusal is the admission webhook's message in an up's error, on one
// line.
func refusal(err error) string {
	s := err.Error()
	if i := strings.Index(s, "was blocked due to"); i >= 0 {
		if j := strings.LastIndex(s[:i], "admission webhook"); j >= 0 {
			s = s[j:]
		}
	}
	for _, end := range []string{"\n    error:", "Outputs:", "pulumi:pulumi:Stack"} {
		if i := strings.Index(s, end); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
