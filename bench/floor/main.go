// Command floor is the compile floor of the benchmark (make bench): the
// smallest Pulumi Go program that registers one Kubernetes Deployment
// with the kubernetes SDK. Any Pulumi Go program that deploys to
// Kubernetes compiles at least this; the stack program's compile time is
// reported as a ratio to it.
package main

import (
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		labels := pulumi.StringMap{"app": pulumi.String("web")}
		_, err := appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
			Spec: &appsv1.DeploymentSpecArgs{
				Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: &corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec: &corev1.PodSpecArgs{Containers: corev1.ContainerArray{
						&corev1.ContainerArgs{Name: pulumi.String("web"), Image: pulumi.String("registry.example.com/web:1.0.0")},
					}},
				},
			},
		})
		return err
	})
}
