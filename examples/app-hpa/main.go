// Command app-hpa deploys one application with plinth's production
// defaults: 3–10 replicas behind an HPA, spread over zones, restricted pod
// security, a disruption budget, a network policy and a ServiceMonitor.
//
//	pulumi config set plinth-example-app-hpa:image registry.example.com/acme/web:1.4.2
//	pulumi config set --secret plinth-example-app-hpa:dbPassword …
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/app"
)

func main() {
	pulumi.Run(program)
}

// program is the example; main_test.go runs it under mocks.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	web, err := app.New(ctx, "web", app.Args{
		Image: pulumi.String(cfg.Require("image")),
		Tier:  "prod",
		Env:   map[string]string{"LOG_LEVEL": "info"},
		SecretValues: map[string]pulumi.StringInput{
			"DB_PASSWORD": cfg.RequireSecret("dbPassword"),
		},
		Autoscaling: &app.AutoscalingArgs{MinReplicas: new(3), MaxReplicas: new(10), TargetCPUPercent: new(65)},
	})
	if err != nil {
		return err
	}
	ctx.Export("url", web.URL)
	ctx.Export("hpas", web.HPANames)
	return nil
}
