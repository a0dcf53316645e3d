package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Verify is the post-deployment smoke test, read from the stack outputs:
// the outputs an environment promises are there, every plinth Deployment
// on its cluster rolls out (rolledOut), and the ECS service's URL answers
// its health check. It waits up to five minutes for a rollout to settle.
func (d *Driver) Verify(ctx context.Context) error {
	s, err := d.Open(ctx)
	if err != nil {
		return err
	}
	outs, err := s.Outputs(ctx)
	if err != nil {
		return err
	}
	var problems []error
	promised := []string{"clusterName", "kubeconfig", "appUrls"}
	if outs["delivery"].Value == config.DeliveryGitOps {
		// Flux applies the applications: the stack has no URLs for them.
		promised = []string{"clusterName", "kubeconfig", "gitopsPath"}
	}
	for _, k := range promised {
		if o, ok := outs[k]; !ok || o.Value == nil || o.Value == "" {
			problems = append(problems, fmt.Errorf("output %s is missing", k))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	kc, _ := outs["kubeconfig"].Value.(string)
	if err := deploymentsAvailable(ctx, kc); err != nil {
		problems = append(problems, err)
	}
	if u, ok := outs["ecsUrl"].Value.(string); ok && u != "" {
		if err := healthy(ctx, strings.TrimSuffix(u, "/")+"/health"); err != nil {
			problems = append(problems, err)
		}
	}
	// What the state records must be what exists: nothing deleted or
	// changed outside plinth, nothing of the stack's label unrecorded.
	if dr, err := d.drift(ctx, s); err != nil {
		problems = append(problems, err)
	} else if !dr.Empty() {
		problems = append(problems, fmt.Errorf("drift:\n%s`go run ./stacks up --stack %s --refresh` puts it back", dr, d.Stack))
	}
	if err := errors.Join(problems...); err != nil {
		return err
	}
	fmt.Fprintf(d.Out, "verify %s: outputs present, Deployments Available, health checks pass, no drift\n", d.Stack)
	return nil
}

// deploymentsAvailable waits until every Deployment plinth manages on the
// cluster of kubeconfig has rolled out (see pendingDeployments).
func deploymentsAvailable(ctx context.Context, kubeconfig string) error {
	cfg, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		return fmt.Errorf("kubeconfig output: %w", err)
	}
	// The dynamic client, not the typed clientset: the clientset would
	// add 261 packages (every API group's client) to the stack binary's
	// build for these two lists.
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	for {
		pending, err := pendingDeployments(ctx, client)
		if err == nil && len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("deployments not Available: %v (%v)", pending, err)
		case <-time.After(5 * time.Second):
		}
	}
}

// managedByPlinth selects the objects plinth's components create.
const managedByPlinth = "app.kubernetes.io/managed-by=plinth"

// pendingDeployments lists the Deployments plinth manages on the cluster
// of client and describes each that has not rolled out (rolledOut). It
// is an error if there is none.
func pendingDeployments(ctx context.Context, client dynamic.Interface) ([]string, error) {
	minimums, err := autoscalerMinimums(ctx, client)
	if err != nil {
		return nil, err
	}
	list, err := client.Resource(appsv1.SchemeGroupVersion.WithResource("deployments")).List(ctx, metav1.ListOptions{LabelSelector: managedByPlinth})
	if err != nil {
		return nil, err
	}
	if len(list.Items) == 0 {
		return nil, errors.New("no Deployment managed by plinth on the cluster")
	}
	var pending []string
	for _, u := range list.Items {
		var d appsv1.Deployment
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &d); err != nil {
			return nil, err
		}
		key := d.Namespace + "/" + d.Name
		if !rolledOut(d, minimums[key]) {
			st := d.Status
			pending = append(pending, fmt.Sprintf("%s (replicas %d, at least %d wanted, updated %d, available %d, generation %d observed %d)",
				key, st.Replicas, wanted(d, minimums[key]), st.UpdatedReplicas, st.AvailableReplicas, d.Generation, st.ObservedGeneration))
		}
	}
	return pending, nil
}

// autoscalerMinimums returns the minReplicas of each plinth
// HorizontalPodAutoscaler that scales a Deployment, keyed by the
// Deployment's "namespace/name".
func autoscalerMinimums(ctx context.Context, client dynamic.Interface) (map[string]int32, error) {
	list, err := client.Resource(autoscalingv2.SchemeGroupVersion.WithResource("horizontalpodautoscalers")).List(ctx, metav1.ListOptions{LabelSelector: managedByPlinth})
	if err != nil {
		return nil, err
	}
	minimums := map[string]int32{}
	for _, u := range list.Items {
		var h autoscalingv2.HorizontalPodAutoscaler
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &h); err != nil {
			return nil, err
		}
		if ref := h.Spec.ScaleTargetRef; ref.Kind == "Deployment" && h.Spec.MinReplicas != nil {
			minimums[h.Namespace+"/"+ref.Name] = *h.Spec.MinReplicas
		}
	}
	return minimums, nil
}

// wanted is how many replicas Deployment d must run: its spec, and no
// fewer than its autoscaler's minimum (0 without one). An autoscaled
// Deployment leaves spec.replicas to its autoscaler, so it starts with
// one pod until the autoscaler first raises it to the minimum.
func wanted(d appsv1.Deployment, autoscalerMin int32) int32 {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	return max(want, autoscalerMin)
}

// rolledOut reports whether Deployment d has rolled out, as `kubectl
// rollout status` judges it, and runs at least its autoscaler's minimum:
// its latest generation observed, every wanted replica updated and
// available, no old replica left, and the Available condition true.
// Without the minimum, a new autoscaled Deployment would count as rolled
// out with one pod, and turn unavailable a moment later, while its
// autoscaler adds the others.
func rolledOut(d appsv1.Deployment, autoscalerMin int32) bool {
	want, st := wanted(d, autoscalerMin), d.Status
	if st.ObservedGeneration < d.Generation || st.UpdatedReplicas < want || st.AvailableReplicas < want || st.Replicas != st.UpdatedReplicas {
		return false
	}
	for _, c := range st.Conditions {
		if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// healthy polls url until it answers below 400.
func healthy(ctx context.Context, url string) error {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 400 {
				return nil
			}
			err = fmt.Errorf("%s answered %s", url, resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("health check: %v", last)
		case <-time.After(5 * time.Second):
		}
	}
}
