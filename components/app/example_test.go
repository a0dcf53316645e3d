package app_test

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// A production application: three to ten replicas, spread over zones,
// restricted pod security, a disruption budget, a network policy and a
// ServiceMonitor. The example runs under Pulumi mocks and prints what the
// component registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		web, err := app.New(ctx, "web", app.Args{
			Image: pulumi.String("ghcr.io/acme/web:1.4.2"),
			Tier:  "prod",
			Env:   map[string]string{"LOG_LEVEL": "info"},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", web.URL)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(stack.Inventory())
	// Output:
	// kubernetes:apps/v1:Deployment=1
	// kubernetes:autoscaling/v2:HorizontalPodAutoscaler=1
	// kubernetes:core/v1:Namespace=1
	// kubernetes:core/v1:Service=1
	// kubernetes:core/v1:ServiceAccount=1
	// kubernetes:monitoring.coreos.com/v1:ServiceMonitor=1
	// kubernetes:networking.k8s.io/v1:NetworkPolicy=1
	// kubernetes:policy/v1:PodDisruptionBudget=1
	// plinth:kubernetes:App=1
}

// Two applications in one namespace the program creates. Passing the
// Namespace as NamespaceObject lets a destroy delete the Deployments and
// then the namespace alone: the namespace controller removes the rest.
func ExampleArgs_namespaceObject() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		shop, err := corev1.NewNamespace(ctx, "shop", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("shop")},
		})
		if err != nil {
			return err
		}
		existing := false
		for _, name := range []string{"cart", "checkout"} {
			if _, err := app.New(ctx, name, app.Args{
				Image:           pulumi.String("ghcr.io/acme/" + name + ":2.0.1"),
				Tier:            "prod",
				Namespace:       pulumi.String("shop"),
				CreateNamespace: &existing,
				NamespaceObject: shop,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	deletedWithShop := 0
	for _, r := range stack.Resources {
		if r.DeletedWith != "" {
			deletedWithShop++
		}
	}
	fmt.Printf("%d objects deleted with the namespace, %d Deployments deleted before it\n",
		deletedWithShop, len(stack.ByType("kubernetes:apps/v1:Deployment")))
	// Output:
	// 12 objects deleted with the namespace, 2 Deployments deleted before it
}

// Bad arguments fail before anything is registered, with every problem
// named by its field.
func ExampleArgs_Validate() {
	err := app.Args{Image: pulumi.String("nginx"), Autoscaling: &app.AutoscalingArgs{MinReplicas: new(5), MaxReplicas: new(3)}}.Validate("web")
	fmt.Println(err)
	// Output:
	// app "web": image: "nginx" has no tag or digest: pin a tag or a digest
	// app "web": autoscaling.minReplicas (5) is greater than maxReplicas (3): make minReplicas ≤ maxReplicas
}

// Progressive delivery: Argo Rollouts rolls every new image out in steps
// and rolls it back by itself when the canary's error ratio or latency
// crosses the limits of the HighErrorRate and HighLatency alerts.
func ExampleProgressiveArgs() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := app.New(ctx, "web", app.Args{
			Image: pulumi.String("ghcr.io/acme/web:1.4.2"),
			Tier:  "prod",
			Strategy: &app.StrategyArgs{Type: app.StrategyProgressive, Progressive: &app.ProgressiveArgs{
				Steps:    []int{5, 20, 50},
				Analysis: &app.AnalysisArgs{PrometheusAddress: "http://prometheus.monitoring.svc.cluster.local:9090"},
			}},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(stack.Inventory())
	// Output:
	// kubernetes:apps/v1:Deployment=1
	// kubernetes:argoproj.io/v1alpha1:AnalysisTemplate=2
	// kubernetes:argoproj.io/v1alpha1:Rollout=1
	// kubernetes:autoscaling/v2:HorizontalPodAutoscaler=1
	// kubernetes:core/v1:Namespace=1
	// kubernetes:core/v1:Service=1
	// kubernetes:core/v1:ServiceAccount=1
	// kubernetes:monitoring.coreos.com/v1:ServiceMonitor=1
	// kubernetes:networking.k8s.io/v1:NetworkPolicy=1
	// kubernetes:policy/v1:PodDisruptionBudget=1
	// plinth:kubernetes:App=1
}
