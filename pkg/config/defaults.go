package config

import "cmp"

// Defaults the stack itself needs; every other default belongs to the
// component that uses the value (see "Where each rule lives").
const (
	// DefaultMonitoringNS is the namespace of the monitoring stack, which
	// the applications' NetworkPolicies admit scrapes from.
	DefaultMonitoringNS = "monitoring"
	MonitoringInstall   = "install"
	MonitoringOperator  = "operator"
	MonitoringOff       = "off"
	// IdentityPodIdentity and IdentityIRSA are the values of
	// plinth:cluster.identity.
	IdentityPodIdentity = "podIdentity"
	IdentityIRSA        = "irsa"
)

// applyDefaults fills what the stack needs to wire the components
// together: the environment's name, each application's namespace (the
// stack creates the namespaces), and how and where monitoring runs.
// Everything else left unset is defaulted by the component that takes it,
// from the same tier table (ForTier), so each default has one home.
func (e *Environment) applyDefaults(stack string) {
	e.Defaults = ForTier(e.Tier)
	if e.Name == "" {
		e.Name = stack
	}
	e.Delivery = cmp.Or(e.Delivery, DeliveryPulumi)
	if e.GitOps != nil {
		e.GitOps.Path = cmp.Or(e.GitOps.Path, "envs/"+e.Name)
	}
	for i := range e.Apps {
		a := &e.Apps[i]
		a.Namespace = cmp.Or(a.Namespace, a.Name)
	}
	if e.Cloud == CloudAWS {
		e.Cluster.Identity = cmp.Or(e.Cluster.Identity, IdentityPodIdentity)
	}
	m := &e.Monitoring
	if m.Mode == "" {
		m.Mode = MonitoringInstall
		if e.Cloud == CloudLocal {
			m.Mode = MonitoringOperator
		}
	}
	m.Namespace = cmp.Or(m.Namespace, DefaultMonitoringNS)
}
