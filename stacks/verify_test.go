package main

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

var plinthLabels = map[string]string{"app.kubernetes.io/managed-by": "plinth"}

// deployment is a plinth Deployment with the given spec.replicas (nil:
// left to an autoscaler) and status.
func deployment(name string, replicas *int32, st appsv1.DeploymentStatus) *appsv1.Deployment {
	st.ObservedGeneration = max(st.ObservedGeneration, 1)
	if st.AvailableReplicas > 0 {
		st.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}
	}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "web", Labels: plinthLabels, Generation: 1},
		Spec:       appsv1.DeploymentSpec{Replicas: replicas},
		Status:     st,
	}
}

func autoscaler(target, kind string, minReplicas int32) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: metav1.ObjectMeta{Name: target + "-hpa", Namespace: "web", Labels: plinthLabels},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: kind, Name: target},
			MinReplicas:    &minReplicas,
			MaxReplicas:    4,
		},
	}
}

func TestPendingDeploymentsCountTheAutoscalerMinimum(t *testing.T) {
	two := int32(2)
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{appsv1.AddToScheme, autoscalingv2.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	client := dynamicfake.NewSimpleDynamicClient(scheme,
		// Autoscaled, still at the one pod it started with: pending.
		deployment("new", nil, appsv1.DeploymentStatus{Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1, ReadyReplicas: 1}),
		autoscaler("new", "Deployment", 2),
		// Autoscaled and raised to its minimum: rolled out.
		deployment("raised", nil, appsv1.DeploymentStatus{Replicas: 2, UpdatedReplicas: 2, AvailableReplicas: 2, ReadyReplicas: 2}),
		autoscaler("raised", "Deployment", 2),
		// Fixed replicas, an old pod left: pending.
		deployment("rolling", &two, appsv1.DeploymentStatus{Replicas: 3, UpdatedReplicas: 2, AvailableReplicas: 2}),
		// Fixed replicas, the new generation not yet observed: pending.
		deployment("unobserved", &two, appsv1.DeploymentStatus{Replicas: 2, UpdatedReplicas: 2, AvailableReplicas: 2}),
		// One pod, no autoscaler (or one that scales a Rollout): rolled out.
		deployment("single", nil, appsv1.DeploymentStatus{Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1}),
		autoscaler("single", "Rollout", 3),
	)
	// The generation moved on after the status was written.
	gvr := appsv1.SchemeGroupVersion.WithResource("deployments")
	u, err := client.Resource(gvr).Namespace("web").Get(context.Background(), "unobserved", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u.SetGeneration(2)
	if _, err := client.Resource(gvr).Namespace("web").Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	pending, err := pendingDeployments(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pending {
		names = append(names, strings.Fields(p)[0])
	}
	if got, want := strings.Join(names, " "), "web/new web/rolling web/unobserved"; got != want {
		t.Fatalf("pending = %q, want %s:\n%s", got, want, strings.Join(pending, "\n"))
	}
	if !strings.Contains(pending[0], "at least 2 wanted") {
		t.Errorf("the description does not give the autoscaler's minimum: %s", pending[0])
	}
}

func TestPendingDeploymentsNeedsADeployment(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = appsv1.AddToScheme(scheme)
	_ = autoscalingv2.AddToScheme(scheme)
	if _, err := pendingDeployments(context.Background(), dynamicfake.NewSimpleDynamicClient(scheme)); err == nil {
		t.Fatal("no Deployment on the cluster passed")
	}
}
