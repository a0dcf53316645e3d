package ecs

import (
	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
)

// Defaults that do not depend on the tier.
const (
	defaultPort      = 8080
	defaultCPU       = 256
	defaultMemory    = 512
	defaultArch      = "X86_64"
	defaultUser      = "10001:10001"
	defaultTargetCPU = 70
	defaultTargetMem = 80
	defaultRequests  = 1000
	defaultGrace     = 60
	defaultHCStart   = 60
	// DefaultSSLPolicy allows TLS 1.2 and 1.3 with forward secrecy only.
	DefaultSSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
)

// Defaults returns args with every unset field set to its default: the
// arguments New deploys, and those Validate checks. It never changes
// the caller's args.
func (a Args) Defaults() Args {
	var d config.Defaults
	a.Tier, d = config.CloudDefaults(a.Tier)
	// An unset value takes its default; an explicit 0 is kept, for
	// validation to honour or refuse.
	def := func(v **int, x int) { *v = ptr.Or(*v, x) }
	def(&a.Port, defaultPort)
	def(&a.CPU, defaultCPU)
	def(&a.Memory, defaultMemory)
	def(&a.MinTasks, d.MinReplicas)
	def(&a.MaxTasks, max(d.MaxReplicas, *a.MinTasks))
	def(&a.TargetCPUPercent, defaultTargetCPU)
	def(&a.TargetMemoryPercent, defaultTargetMem)
	def(&a.RequestsPerTarget, defaultRequests)
	def(&a.HealthCheckGracePeriodSeconds, defaultGrace)
	def(&a.LogRetentionDays, d.LogRetentionDays)
	if a.CPUArchitecture == "" {
		a.CPUArchitecture = defaultArch
	}
	if a.User == "" {
		a.User = defaultUser
	}
	if a.SSLPolicy == "" {
		a.SSLPolicy = DefaultSSLPolicy
	}
	if a.DeletionProtection == nil {
		a.DeletionProtection = new(d.DeletionProtection)
	}
	if c := a.ContainerHealthCheck; c != nil {
		hc := *c
		def(&hc.IntervalSeconds, 30)
		def(&hc.TimeoutSeconds, 5)
		def(&hc.Retries, 3)
		if hc.StartPeriodSeconds == nil {
			hc.StartPeriodSeconds = new(defaultHCStart)
		}
		a.ContainerHealthCheck = &hc
	}
	a.HealthCheck = ptr.Clone(a.HealthCheck)
	h := a.HealthCheck
	if h.Path == "" {
		h.Path = "/health"
	}
	if h.Matcher == "" {
		h.Matcher = "200-399"
	}
	def(&h.IntervalSeconds, 15)
	def(&h.TimeoutSeconds, 5)
	def(&h.HealthyThreshold, 2)
	def(&h.UnhealthyThreshold, 3)
	return a
}
