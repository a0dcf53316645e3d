package config

import (
	"cmp"
	"fmt"
	"slices"
)

// Tier is the kind of environment; it picks the defaults (see the package
// doc table).
type Tier string

// The tiers.
const (
	TierLocal   Tier = "local"
	TierDev     Tier = "dev"
	TierStaging Tier = "staging"
	TierProd    Tier = "prod"
)

// Tiers lists every tier, smallest first.
var Tiers = []Tier{TierLocal, TierDev, TierStaging, TierProd}

// Cloud is where an environment runs.
type Cloud string

// The clouds.
const (
	CloudLocal Cloud = "local"
	CloudAWS   Cloud = "aws"
	CloudGCP   Cloud = "gcp"
)

// Defaults are the values a tier gives to every setting left unset. They
// are documented in the package doc table; a test keeps the two in step.
type Defaults struct {
	// Replicas is the replica count of an application without autoscaling.
	Replicas int
	// MinReplicas and MaxReplicas bound an application's autoscaler.
	MinReplicas, MaxReplicas int
	// CPURequest, MemoryRequest, CPULimit and MemoryLimit size each
	// application container.
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
	// AZCount is the number of availability zones a network spans.
	AZCount int
	// NATGateways is "single" (one shared) or "perAz".
	NATGateways string
	// NodeMin, NodeDesired and NodeMax size each node group or pool.
	NodeMin, NodeDesired, NodeMax int
	// InstanceType is the EC2 instance type of EKS nodes.
	InstanceType string
	// MachineType is the machine type of GKE nodes.
	MachineType string
	// Regional makes a GKE cluster regional rather than zonal.
	Regional bool
	// Retention is how long Prometheus keeps metrics.
	Retention string
	// StorageSize is the Prometheus volume size; "" means no volume.
	StorageSize string
	// PrometheusReplicas is the number of Prometheus replicas.
	PrometheusReplicas int
	// LogRetentionDays is how long cloud log groups keep logs.
	LogRetentionDays int
	// DeletionProtection protects clusters and load balancers from deletion.
	DeletionProtection bool
}

// ForTier returns the defaults of tier t. An unknown tier gets the dev
// defaults; Validate rejects unknown tiers before they are used.
func ForTier(t Tier) Defaults {
	switch t {
	case TierLocal:
		return Defaults{
			Replicas: 1, MinReplicas: 2, MaxReplicas: 3,
			CPURequest: "50m", MemoryRequest: "64Mi", CPULimit: "500m", MemoryLimit: "256Mi",
			Retention: "1d", PrometheusReplicas: 1, LogRetentionDays: 1,
		}
	case TierStaging:
		return Defaults{
			Replicas: 2, MinReplicas: 2, MaxReplicas: 6,
			CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "1", MemoryLimit: "512Mi",
			AZCount: 2, NATGateways: NATSingle,
			NodeMin: 2, NodeDesired: 2, NodeMax: 4,
			InstanceType: "m6i.large", MachineType: "e2-standard-4", Regional: true,
			Retention: "7d", StorageSize: "20Gi", PrometheusReplicas: 1, LogRetentionDays: 90,
		}
	case TierProd:
		return Defaults{
			Replicas: 3, MinReplicas: 3, MaxReplicas: 10,
			CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "1", MemoryLimit: "512Mi",
			AZCount: 3, NATGateways: NATPerAZ,
			NodeMin: 3, NodeDesired: 3, NodeMax: 10,
			InstanceType: "m6i.large", MachineType: "e2-standard-4", Regional: true,
			Retention: "30d", StorageSize: "100Gi", PrometheusReplicas: 2, LogRetentionDays: 365,
			DeletionProtection: true,
		}
	default: // dev
		return Defaults{
			Replicas: 1, MinReplicas: 2, MaxReplicas: 3,
			CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "500m", MemoryLimit: "256Mi",
			AZCount: 2, NATGateways: NATSingle,
			NodeMin: 1, NodeDesired: 2, NodeMax: 3,
			InstanceType: "t3.medium", MachineType: "e2-standard-2", Regional: false,
			Retention: "3d", StorageSize: "10Gi", PrometheusReplicas: 1, LogRetentionDays: 30,
		}
	}
}

// NAT gateway layouts.
const (
	// NATSingle shares one NAT gateway between all zones (cheaper; a zone
	// outage cuts egress for all).
	NATSingle = "single"
	// NATPerAZ puts one NAT gateway in every zone.
	NATPerAZ = "perAz"
)

// Check returns an error naming the tiers if t is not one of them.
func (t Tier) Check() error {
	if !slices.Contains(Tiers, t) {
		return fmt.Errorf("%q is not a tier: use local, dev, staging or prod", t)
	}
	return nil
}

// CloudDefaults returns t, or dev when t is unset, and the defaults the
// cloud components (networks, clusters, services) use for it. The local
// tier has no cloud defaults, so it gets dev's.
func CloudDefaults(t Tier) (Tier, Defaults) {
	t = cmp.Or(t, TierDev)
	if t == TierLocal {
		return t, ForTier(TierDev)
	}
	return t, ForTier(t)
}
