package eks_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/clusterautoscaler"
	"github.com/plinth-dev/plinth/pkg/eksaddon"
	"github.com/plinth-dev/plinth/pkg/eksversion"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// These tests cover what a real EKS cluster needs beyond what its API
// accepts: add-ons that follow the cluster's version, a metrics API for
// the HPAs, an autoscaler whose chart fits its image, and a provider
// that waits for the deployer's access.

const addonType = "aws:eks/addon:Addon"

// addonVersions returns the add-ons' versions by name.
func addonVersions(t *testing.T, s *plinthtest.Stack) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range s.ByType(addonType) {
		if !a.Has("addonVersion") {
			t.Errorf("add-on %s has no version: EKS would never upgrade it after a cluster version bump", a.String(t, "addonName"))
			continue
		}
		out[a.String(t, "addonName")] = a.String(t, "addonVersion")
	}
	return out
}

// TestAddonsFollowTheClusterVersion: every add-on is pinned, to the
// default version EKS offers for the cluster's Kubernetes version (the
// lookup the mocks answer from pkg/eksaddon's table), so bumping the
// version changes them; a pinned version stays.
func TestAddonsFollowTheClusterVersion(t *testing.T) {
	versionsOn := func(minor string, pins *eks.AddOnsArgs) map[string]string {
		a := prodArgs()
		a.Version, a.SupportType, a.AddOns = minor, "EXTENDED", pins
		s, _ := deploy(t, a)
		for _, inv := range s.Invokes {
			if inv.Token == "aws:eks/getAddonVersion:getAddonVersion" && inv.Args["kubernetesVersion"].StringValue() != minor {
				t.Errorf("an add-on version was looked up for %v on a %s cluster", inv.Args["kubernetesVersion"], minor)
			}
		}
		return addonVersions(t, s)
	}
	on35, on36 := versionsOn("1.35", nil), versionsOn("1.36", nil)
	for _, name := range []string{eksaddon.VPCCNI, eksaddon.KubeProxy, eksaddon.CoreDNS, eksaddon.PodIdentityAgent, eksaddon.EBSCSIDriver, eksaddon.MetricsServer} {
		for minor, got := range map[string]map[string]string{"1.35": on35, "1.36": on36} {
			if want, _ := eksaddon.Version(name, minor); got[name] != want {
				t.Errorf("%s on %s = %q, want EKS's default %q", name, minor, got[name], want)
			}
		}
	}
	if on35[eksaddon.KubeProxy] == on36[eksaddon.KubeProxy] {
		t.Errorf("upgrading 1.35 to 1.36 leaves kube-proxy at %s", on36[eksaddon.KubeProxy])
	}
	pinned := versionsOn("1.36", &eks.AddOnsArgs{CoreDNS: "v1.14.2-eksbuild.4"})
	if pinned[eksaddon.CoreDNS] != "v1.14.2-eksbuild.4" {
		t.Errorf("a pinned coredns = %q, want the pin", pinned[eksaddon.CoreDNS])
	}
}

// TestMetricsServer: EKS runs no metrics API, so every CPU- or
// memory-based HPA would never scale without the metrics-server add-on;
// it runs with node groups and in Auto Mode alike, after the nodes.
func TestMetricsServer(t *testing.T) {
	s, c := deploy(t, prodArgs())
	ms := s.Get(t, addonType, "main-addon-metrics-server")
	if !slices.Contains(ms.Dependencies, s.One(t, ngType).URN) {
		t.Errorf("metrics-server does not wait for the nodes it runs on")
	}
	if c.MetricsServer == nil {
		t.Errorf("Cluster.MetricsServer is not set")
	}
	a := prodArgs()
	a.AutoMode = &eks.AutoModeArgs{Enabled: true}
	s, _ = deploy(t, a)
	s.Get(t, addonType, "main-addon-metrics-server")
}

// TestAutoscalerPinnedByMinor: every Kubernetes minor EKS supports today
// has an autoscaler row, and the chart and image a cluster of that minor
// installs are the row's and pass the compatibility rule (image minor =
// cluster minor; from 1.35 a chart with the resource.k8s.io rules).
func TestAutoscalerPinnedByMinor(t *testing.T) {
	for _, minor := range eksversion.Usable(eksversion.SupportExtended, time.Now()) {
		t.Run(minor, func(t *testing.T) {
			r, ok := clusterautoscaler.For(minor)
			if !ok {
				t.Fatalf("EKS supports %s today but pkg/clusterautoscaler pins no autoscaler for it: add its row", minor)
			}
			a := deployable()
			a.Version, a.SupportType = minor, "EXTENDED"
			s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
				_, err := eks.New(ctx, "main", a)
				return err
			}, plinthtest.WithStack("prod"))
			chart := s.Get(t, "kubernetes:helm.sh/v4:Chart", "main-cluster-autoscaler")
			chart.Expect(t, map[string]any{"version": r.Chart, "values.image.tag": r.Image})
			if probs := clusterautoscaler.Check(r.Chart, r.Image, r.Minor); len(probs) != 0 {
				t.Errorf("the table's own row fails the rule: %+v", probs)
			}
		})
	}
}

// TestProviderWaitsForAccess: the Kubernetes provider waits for the
// admin access entries, their policy associations and the API's security
// group rules, so nothing is sent to the cluster before the deployer may
// reach it, and destroy removes the in-cluster objects first.
func TestProviderWaitsForAccess(t *testing.T) {
	s, _ := deploy(t, deployable())
	p := s.One(t, "pulumi:providers:kubernetes")
	var want []plinthtest.Resource
	want = append(want, s.ByType("aws:eks/accessEntry:AccessEntry")...)
	want = append(want, s.ByType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")...)
	want = append(want, s.ByType("aws:ec2/securityGroupRule:SecurityGroupRule")...)
	if len(want) != 6 {
		t.Fatalf("expected 2 access entries, 2 associations and 2 API rules, found %d", len(want))
	}
	for _, r := range want {
		if !slices.Contains(p.Dependencies, r.URN) {
			t.Errorf("the Kubernetes provider does not wait for %s %s", r.Type, r.Name)
		}
	}
}

// TestBottlerocketDataVolume: Bottlerocket keeps images and pods on its
// second volume; DiskSizeGB must size that one, not the 2 GiB OS volume.
func TestBottlerocketDataVolume(t *testing.T) {
	a := prodArgs()
	a.NodeGroups = []eks.NodeGroupArgs{{Name: "al2023"}, {Name: "bottlerocket", AMIType: "BOTTLEROCKET_x86_64", DiskSizeGB: new(80)}}
	s, _ := deploy(t, a)
	s.Get(t, ltType, "main-al2023-lt").Expect(t, map[string]any{"blockDeviceMappings[0].deviceName": "/dev/xvda"})
	s.Get(t, ltType, "main-bottlerocket-lt").Expect(t, map[string]any{
		"blockDeviceMappings[0].deviceName": "/dev/xvdb", "blockDeviceMappings[0].ebs.volumeSize": 80.0,
	})
}

// TestTurningAutoModeOff: an explicit autoMode block with enabled false
// sends all three capabilities disabled (an in-place UpdateClusterConfig)
// rather than dropping the blocks (which the provider refuses or plans as
// a replacement); a cluster that never had Auto Mode sends none of them.
func TestTurningAutoModeOff(t *testing.T) {
	a := prodArgs()
	a.AutoMode = &eks.AutoModeArgs{Enabled: false}
	s, _ := deploy(t, a)
	cl := s.One(t, clusterType)
	cl.Expect(t, map[string]any{
		"computeConfig.enabled":                                false,
		"storageConfig.blockStorage.enabled":                   false,
		"kubernetesNetworkConfig.elasticLoadBalancing.enabled": false,
	})
	if cl.Has("computeConfig.nodeRoleArn") || cl.Has("computeConfig.nodePools") {
		t.Errorf("a disabled Auto Mode still names a node role or pools: %s", cl.JSON())
	}
	if n := len(s.ByType(ngType)); n != 1 {
		t.Errorf("with Auto Mode off the default node group is created: %d groups", n)
	}
	s, _ = deploy(t, prodArgs())
	if cl := s.One(t, clusterType); cl.Has("computeConfig") || cl.Has("storageConfig") {
		t.Errorf("a cluster that never had Auto Mode is sent its blocks: %s", cl.JSON())
	}
	// Moving off Auto Mode starts with node groups beside it.
	a.AutoMode = &eks.AutoModeArgs{Enabled: true}
	a.NodeGroups = []eks.NodeGroupArgs{{Name: "general"}}
	s, _ = deploy(t, a)
	if n := len(s.ByType(ngType)); n != 1 {
		t.Errorf("node groups listed beside Auto Mode: %d registered, want 1", n)
	}
}
