package app_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

func withIngress(a *app.Args) {
	a.Ingress = &app.IngressArgs{Host: pulumi.String("web.example.com")}
	a.NetworkPolicy = &app.NetworkPolicyArgs{IngressNamespace: pulumi.String("ingress-nginx")}
}

func withRoute(a *app.Args) {
	a.Route = &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), Hostnames: []pulumi.StringInput{pulumi.String("web.example.com")}}
}

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest).
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a app.Args) error { _, err := app.New(ctx, "web", a); return err }
	good := app.Args{Image: pulumi.String(image), SecretValues: map[string]pulumi.StringInput{"TOKEN": pulumi.String("s3cret")}}
	identity := func(sa app.ServiceAccountArgs) func(a *app.Args) {
		return func(a *app.Args) { a.ServiceAccount = &sa }
	}
	inputtest.Check(t, good, `app "web": `, create, []inputtest.Case[app.Args]{
		{Field: "image", Bad: "ghcr.io/acme/web", Want: "no tag or digest"},
		{Field: "namespace", Bad: "kube-system", Want: "is a system namespace"},
		{Field: "secretValues", Unchecked: "a secret's value: any string is one"},
		{Field: "serviceAccount.podIdentityRoleArn", Bad: "web", Want: "is not an IAM role ARN", Prepare: identity(app.ServiceAccountArgs{})},
		{Field: "serviceAccount.awsRoleArn", Bad: "arn:aws:iam::123456789012:user/web", Want: "is not an IAM role ARN", Prepare: identity(app.ServiceAccountArgs{})},
		{Field: "serviceAccount.gcpServiceAccount", Bad: "web-sa", Want: "is not a service account email", Prepare: identity(app.ServiceAccountArgs{})},
		{Field: "networkPolicy.allowFromNamespaces", Bad: "Team_A", Want: "is not a valid name", Prepare: func(a *app.Args) {
			a.NetworkPolicy = &app.NetworkPolicyArgs{AllowFromNamespaces: []pulumi.StringInput{pulumi.String("shop")}}
		}},
		{Field: "networkPolicy.monitoringNamespace", Bad: "Monitoring", Want: "is not a valid name"},
		{Field: "networkPolicy.ingressNamespace", Bad: "ingress nginx", Want: "is not a valid name", Prepare: withIngress},
		{Field: "ingress.host", Bad: "https://web.example.com", Want: "is not a DNS name", Prepare: withIngress},
		{Field: "route.gatewayNamespace", Bad: "Gateways", Want: "is not a valid name", Prepare: withRoute},
		{Field: "route.hostnames", Bad: "web.example.com:443", Want: "is not a hostname", Prepare: withRoute},
		{Field: "strategy.greenImage", Bad: "ghcr.io/acme/web", Want: "no tag or digest", Prepare: func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyBlueGreen, GreenImage: pulumi.String(nextImage)}
		}},
		{Field: "strategy.canaryImage", Bad: "ghcr.io/acme/web", Want: "no tag or digest", Prepare: func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage)}
		}},
	})
}
