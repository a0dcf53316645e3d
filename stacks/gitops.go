package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// GitOps delivery (plinth:delivery: gitops) splits a stack in two. The
// stack keeps the cloud half and the bootstrap: the network, the cluster,
// the cloud identities, monitoring, the Argo Rollouts controller, and
// Flux (the flux component) pointed at the repository. The applications
// and their namespaces go to the repository instead, written by `go run
// ./stacks gitops render` from the same config through the same
// components (gitops_render.go), and Flux applies them. docs/gitops.md
// gives the flow.

// gitops reports whether env's applications are delivered by Flux.
func gitops(env *config.Environment) bool { return env.Delivery == config.DeliveryGitOps }

// fluxArgs maps plinth:gitops onto the flux component's arguments: one
// Kustomization, this environment's overlay.
func fluxArgs(env *config.Environment) flux.Args {
	g := env.GitOps
	a := flux.Args{
		Tier:   env.Tier,
		Images: &flux.ImagesArgs{SourceController: g.SourceControllerImage, KustomizeController: g.KustomizeControllerImage},
		Repository: &flux.RepositoryArgs{
			URL: g.URL, Branch: g.Branch, Interval: g.FetchInterval,
		},
		Kustomizations: []flux.KustomizationArgs{{
			Name: env.Name, Path: g.Path, Interval: g.Interval, Timeout: g.Timeout, Prune: g.Prune, Suspend: g.Suspend,
		}},
		MonitoringNamespace: env.Monitoring.Namespace,
	}
	secret := func(key string) pulumi.StringInput {
		if v, ok := env.Secrets[key]; ok {
			return v
		}
		return nil
	}
	a.DecryptionKey = secret(config.SecretGitOpsAgeKey)
	if g.Username != "" {
		a.Repository.Username = pulumi.String(g.Username)
		a.Repository.Password = secret(config.SecretGitOpsPassword)
	}
	if strings.HasPrefix(g.URL, "ssh://") {
		a.Repository.SSHPrivateKey = secret(config.SecretGitOpsSSHKey)
		a.Repository.KnownHosts = g.KnownHosts
	}
	return a
}

// gitopsPaths map the flux component's fields to plinth:gitops keys.
var gitopsPaths = []pathRule{
	{"tier", "/tier"}, {"images.sourceController", "sourceControllerImage"}, {"images.kustomizeController", "kustomizeControllerImage"},
	{"repository", "url"}, {"repository.url", "url"}, {"repository.branch", "branch"}, {"repository.interval", "fetchInterval"},
	{"repository.username", "username"}, {"repository.knownHosts", "knownHosts"},
	{"repository.password", "/" + config.SecretGitOpsPassword}, {"repository.sshPrivateKey", "/" + config.SecretGitOpsSSHKey},
	{"kustomizations[].name", "/name"}, {"kustomizations[].path", "path"}, {"kustomizations[].interval", "interval"},
	{"kustomizations[].timeout", "timeout"}, {"kustomizations[].retryInterval", "interval"},
	{"decryptionKey", "/" + config.SecretGitOpsAgeKey}, {"monitoringNamespace", "/monitoring.namespace"},
}

// validateGitOps checks GitOps delivery with the flux component's own
// validation, and what the split refuses: IRSA puts a role's ARN, known
// only once the up has created the role, into the ServiceAccount the
// repository holds.
func validateGitOps(env *config.Environment) error {
	if !gitops(env) {
		return nil
	}
	p := problem.List{Prefix: config.Namespace + ":"}
	if env.Cloud == config.CloudAWS && env.Cluster.Identity == config.IdentityIRSA {
		for i, a := range env.Apps {
			if a.CloudIdentity {
				p.Addf(fmt.Sprintf("apps[%d].cloudIdentity", i), "is set with cluster.identity \"irsa\" and delivery \"gitops\": the ServiceAccount in the repository would need the role's ARN, which exists only after the up; use cluster.identity \"podIdentity\" (the default), which puts nothing in the ServiceAccount")
			}
		}
	}
	return errors.Join(p.Err(), remap(fluxArgs(env).Validate("flux"), "gitops", gitopsPaths))
}

// gcpServiceAccountEmail is the email of the Google service account the
// gke component's WorkloadIdentity creates for an application: a
// user-managed service account is "<account id>@<project>.iam.gserviceaccount.com"
// (Google Cloud IAM, "Service account types"). The renderer writes it
// into the ServiceAccount's annotation, which in Pulumi delivery comes
// from the account's email output.
func gcpServiceAccountEmail(project, stack, app, gcpProject string) string {
	return naming.GCPServiceAccountID(project, stack, app) + "@" + gcpProject + ".iam.gserviceaccount.com"
}

// nodeLocalDNS reports whether env's cluster answers DNS on each node
// (EKS Auto Mode), not from kube-system pods: the apps' egress policy
// then allows DNS to any address.
func nodeLocalDNS(env *config.Environment) bool {
	return env.Cloud == config.CloudAWS && env.Cluster.AutoMode != nil && env.Cluster.AutoMode.Enabled
}

// withNodeLocalDNS sets NetworkPolicy.NodeLocalDNS on every app.
func withNodeLocalDNS(apps map[string]app.Args) {
	for n, a := range apps {
		a.NetworkPolicy.NodeLocalDNS = true
		apps[n] = a
	}
}
