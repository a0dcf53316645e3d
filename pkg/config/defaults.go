package config

import (
	"cmp"

	"github.com/plinth-dev/plinth/pkg/eksversion"
)

// Defaults that do not depend on the tier.
const (
	DefaultVPCCIDR         = "10.0.0.0/16"
	DefaultSubnetCIDR      = "10.16.0.0/20"
	DefaultPodsCIDR        = "10.20.0.0/14"
	DefaultServicesCIDR    = "10.16.16.0/20"
	DefaultClusterVersion  = eksversion.Default
	DefaultSupportType     = eksversion.SupportStandard
	DefaultNodeGroupName   = "general"
	DefaultDiskSizeGB      = 50
	DefaultAppPort         = 8080
	DefaultMetricsPort     = 9090
	DefaultTargetCPU       = 70
	DefaultCanaryPercent   = 10
	DefaultMonitoringNS    = "monitoring"
	DefaultECSCPU          = 256
	DefaultECSMemory       = 512
	DefaultHealthCheckPath = "/health"
	StrategyRolling        = "Rolling"
	StrategyBlueGreen      = "BlueGreen"
	StrategyCanary         = "Canary"
	MonitoringInstall      = "install"
	MonitoringOperator     = "operator"
	MonitoringOff          = "off"
	LimitNone              = "none"
	ColorBlue              = "blue"
	ColorGreen             = "green"
)

func intPtr(v int) *int    { return &v }
func boolPtr(v bool) *bool { return &v }

// applyDefaults fills every unset field from the tier defaults.
func (e *Environment) applyDefaults(stack string) {
	d := ForTier(e.Tier)
	e.Defaults = d
	if e.Name == "" {
		e.Name = stack
	}

	n := &e.Network
	if e.Cloud == CloudAWS && n.VPCCIDR == "" {
		n.VPCCIDR = DefaultVPCCIDR
	}
	if e.Cloud == CloudGCP {
		n.SubnetCIDR = cmp.Or(n.SubnetCIDR, DefaultSubnetCIDR)
		n.PodsCIDR = cmp.Or(n.PodsCIDR, DefaultPodsCIDR)
		n.ServicesCIDR = cmp.Or(n.ServicesCIDR, DefaultServicesCIDR)
	}
	if e.Cloud != CloudLocal {
		if n.AZCount == 0 {
			n.AZCount = d.AZCount
		}
		n.NATGateways = cmp.Or(n.NATGateways, d.NATGateways)
	}

	c := &e.Cluster
	c.Version = cmp.Or(c.Version, DefaultClusterVersion)
	c.SupportType = cmp.Or(c.SupportType, DefaultSupportType)
	if c.Regional == nil {
		c.Regional = boolPtr(d.Regional)
	}
	if c.DeletionProtection == nil {
		c.DeletionProtection = boolPtr(d.DeletionProtection)
	}
	if e.Cloud != CloudLocal && len(c.NodeGroups) == 0 {
		c.NodeGroups = []NodeGroup{{Name: DefaultNodeGroupName}}
	}
	for i := range c.NodeGroups {
		g := &c.NodeGroups[i]
		if e.Cloud == CloudAWS && len(g.InstanceTypes) == 0 {
			g.InstanceTypes = []string{d.InstanceType}
		}
		if e.Cloud == CloudGCP && g.MachineType == "" {
			g.MachineType = d.MachineType
		}
		if g.Min == nil {
			g.Min = intPtr(d.NodeMin)
		}
		if g.Max == nil {
			g.Max = intPtr(max(d.NodeMax, *g.Min))
		}
		if g.Desired == nil {
			g.Desired = intPtr(min(max(d.NodeDesired, *g.Min), *g.Max))
		}
		if g.DiskSizeGB == 0 {
			g.DiskSizeGB = DefaultDiskSizeGB
		}
	}

	for i := range e.Apps {
		a := &e.Apps[i]
		a.Namespace = cmp.Or(a.Namespace, a.Name)
		if a.Port == 0 {
			a.Port = DefaultAppPort
		}
		if a.Replicas == nil {
			a.Replicas = intPtr(d.Replicas)
		}
		as := &a.Autoscaling
		if as.Enabled == nil {
			as.Enabled = boolPtr(true)
		}
		if as.Min == 0 {
			as.Min = d.MinReplicas
		}
		if as.Max == 0 {
			as.Max = max(d.MaxReplicas, as.Min)
		}
		if as.TargetCPU == 0 {
			as.TargetCPU = DefaultTargetCPU
		}
		r := &a.Resources
		r.CPURequest = cmp.Or(r.CPURequest, d.CPURequest)
		r.MemoryRequest = cmp.Or(r.MemoryRequest, d.MemoryRequest)
		r.CPULimit = cmp.Or(r.CPULimit, d.CPULimit)
		r.MemoryLimit = cmp.Or(r.MemoryLimit, d.MemoryLimit)
		if a.MetricsPort == nil {
			a.MetricsPort = intPtr(DefaultMetricsPort)
		}
		a.Strategy = cmp.Or(a.Strategy, StrategyRolling)
		if a.Strategy == StrategyBlueGreen {
			a.ActiveColor = cmp.Or(a.ActiveColor, ColorBlue)
		}
		if a.Strategy == StrategyCanary && a.CanaryPercent == 0 {
			a.CanaryPercent = DefaultCanaryPercent
		}
	}

	m := &e.Monitoring
	if m.Mode == "" {
		m.Mode = MonitoringInstall
		if e.Cloud == CloudLocal {
			m.Mode = MonitoringOperator
		}
	}
	m.Namespace = cmp.Or(m.Namespace, DefaultMonitoringNS)
	m.Retention = cmp.Or(m.Retention, d.Retention)
	m.StorageSize = cmp.Or(m.StorageSize, d.StorageSize)

	if s := e.ECS; s != nil {
		if s.Port == 0 {
			s.Port = DefaultAppPort
		}
		if s.CPU == 0 {
			s.CPU = DefaultECSCPU
		}
		if s.Memory == 0 {
			s.Memory = DefaultECSMemory
		}
		if s.MinTasks == 0 {
			s.MinTasks = d.MinReplicas
		}
		if s.MaxTasks == 0 {
			s.MaxTasks = max(d.MaxReplicas, s.MinTasks)
		}
		s.HealthCheckPath = cmp.Or(s.HealthCheckPath, DefaultHealthCheckPath)
	}
}
