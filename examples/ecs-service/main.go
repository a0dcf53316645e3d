// Command ecs-service runs a container on ECS Fargate behind an internal
// HTTPS load balancer, with its database password from Secrets Manager.
// The image lives in an ECR repository the program creates: its URL, an
// Output, flows into the service (push the tag before the first up).
//
//	pulumi config set aws:region eu-west-1
//	pulumi config set plinth-example-ecs-service:imageTag 2.0.1
//	pulumi config set plinth-example-ecs-service:certificateArn arn:aws:acm:…
//	pulumi config set plinth-example-ecs-service:dbSecretArn arn:aws:secretsmanager:…
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/ecs"
)

func main() {
	pulumi.Run(program)
}

// program is the example; main_test.go runs it under mocks.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	network, err := awsnetwork.New(ctx, "main", awsnetwork.Args{})
	if err != nil {
		return err
	}
	repo, err := ecr.NewRepository(ctx, "api", &ecr.RepositoryArgs{
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
			ScanOnPush: pulumi.Bool(true),
		},
	})
	if err != nil {
		return err
	}
	api, err := ecs.New(ctx, "api", ecs.Args{
		VPCID:            network.VPCID,
		PrivateSubnetIDs: network.PrivateSubnetIDs,
		Image:            pulumi.Sprintf("%s:%s", repo.RepositoryUrl, cfg.Require("imageTag")),
		CPU:              new(512),
		Memory:           new(1024),
		CertificateARN:   pulumi.String(cfg.Require("certificateArn")),
		AllowedCIDRs:     []string{"10.0.0.0/8"},
		Secrets:          map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String(cfg.Require("dbSecretArn"))},
	})
	if err != nil {
		return err
	}
	ctx.Export("url", api.URL)
	return nil
}
