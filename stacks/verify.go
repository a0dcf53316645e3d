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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

// Verify is the post-deployment smoke test, read from the stack outputs:
// the outputs an environment promises are there, every plinth Deployment
// on its cluster becomes Available, and the ECS service's URL answers its
// health check. It waits up to five minutes for a rollout to settle.
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
	for _, k := range []string{"clusterName", "kubeconfig", "appUrls"} {
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
	if err := errors.Join(problems...); err != nil {
		return err
	}
	fmt.Fprintf(d.Out, "verify %s: outputs present, Deployments Available, health checks pass\n", d.Stack)
	return nil
}

// deploymentsAvailable waits until every Deployment plinth manages on the
// cluster of kubeconfig is Available with all replicas updated.
func deploymentsAvailable(ctx context.Context, kubeconfig string) error {
	cfg, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		return fmt.Errorf("kubeconfig output: %w", err)
	}
	// The dynamic client, not the typed clientset: the clientset would
	// add 261 packages (every API group's client) to the stack binary's
	// build for this one list.
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	deployments := client.Resource(appsv1.SchemeGroupVersion.WithResource("deployments"))
	for {
		list, err := deployments.List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=plinth"})
		var pending []string
		if err == nil {
			for _, u := range list.Items {
				var dep appsv1.Deployment
				if err = runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &dep); err != nil {
					break
				}
				if !available(dep) {
					pending = append(pending, dep.Namespace+"/"+dep.Name)
				}
			}
			if err == nil && len(list.Items) > 0 && len(pending) == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("deployments not Available: %v (%v)", pending, err)
		case <-time.After(5 * time.Second):
		}
	}
}

// available reports whether a Deployment has rolled out: its latest
// generation observed, and every wanted replica updated and available.
func available(d appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	if d.Status.UpdatedReplicas < want || d.Status.AvailableReplicas < want || d.Status.ObservedGeneration < d.Generation {
		return false
	}
	for _, c := range d.Status.Conditions {
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
