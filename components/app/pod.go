package app

import (
	"maps"
	"slices"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// Topology keys the pods are spread over.
const (
	zoneKey = "topology.kubernetes.io/zone"
	hostKey = "kubernetes.io/hostname"
)

// podTemplate builds the pod template of one track. Its security contexts
// meet the Pod Security Standards "restricted" level (the tests prove it
// with the upstream evaluator).
func (b *builder) podTemplate(t track) *corev1.PodTemplateSpecArgs {
	a := b.a
	s := a.Security
	podLabels := naming.Merge(b.labels, t.labels)
	trackSelector := naming.Merge(b.selector, t.labels)

	annotations := naming.Merge(a.PodAnnotations, map[string]string{
		"kubectl.kubernetes.io/default-container": b.name,
	})
	if id := a.ServiceAccount.identity(); id != "" {
		annotations[IdentityAnnotation] = id
	}

	// Count only the pods of the same ReplicaSet, so a rollout is not
	// skewed by the pods it is replacing; Argo Rollouts labels its
	// ReplicaSets' pods with its own hash.
	hashLabel := "pod-template-hash"
	if a.progressive() {
		hashLabel = RolloutHashLabel
	}
	spread := func(key string) corev1.TopologySpreadConstraintInput {
		return &corev1.TopologySpreadConstraintArgs{
			MaxSkew:           pulumi.Int(1),
			TopologyKey:       pulumi.String(key),
			WhenUnsatisfiable: pulumi.String(a.SpreadPolicy),
			LabelSelector:     &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(trackSelector)},
			MatchLabelKeys:    pulumi.StringArray{pulumi.String(hashLabel)},
		}
	}

	spec := &corev1.PodSpecArgs{
		ServiceAccountName:            b.serviceAccountName(),
		AutomountServiceAccountToken:  pulumi.Bool(a.ServiceAccount.AutomountToken),
		TerminationGracePeriodSeconds: pulumi.Int(*a.TerminationGracePeriodSeconds),
		SecurityContext: &corev1.PodSecurityContextArgs{
			RunAsNonRoot:   pulumi.Bool(true),
			RunAsUser:      pulumi.Int(*s.RunAsUser),
			RunAsGroup:     pulumi.Int(*s.RunAsGroup),
			FsGroup:        pulumi.Int(*s.FSGroup),
			SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		TopologySpreadConstraints: corev1.TopologySpreadConstraintArray{spread(zoneKey), spread(hostKey)},
		Containers:                corev1.ContainerArray{b.container(t)},
	}
	if !s.WritableRootFilesystem {
		spec.Volumes = corev1.VolumeArray{&corev1.VolumeArgs{
			Name:     pulumi.String("tmp"),
			EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String(s.TmpSizeLimit)},
		}}
	}
	if a.PriorityClassName != "" {
		spec.PriorityClassName = pulumi.String(a.PriorityClassName)
	}
	if len(a.NodeSelector) > 0 {
		spec.NodeSelector = pulumi.ToStringMap(a.NodeSelector)
	}
	return &corev1.PodTemplateSpecArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Labels:      withVersion(pulumi.ToStringMap(podLabels), t.image),
			Annotations: pulumi.ToStringMap(annotations),
		},
		Spec: spec,
	}
}

func (b *builder) container(t track) *corev1.ContainerArgs {
	a := b.a
	s := a.Security
	caps := &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}}
	if s.AddNetBindService {
		caps.Add = pulumi.StringArray{pulumi.String("NET_BIND_SERVICE")}
	}
	ports := corev1.ContainerPortArray{&corev1.ContainerPortArgs{
		Name: pulumi.String("http"), ContainerPort: pulumi.Int(*a.Port), Protocol: pulumi.String("TCP"),
	}}
	if mp := *a.Metrics.Port; mp != 0 {
		ports = append(ports, &corev1.ContainerPortArgs{
			Name: pulumi.String("metrics"), ContainerPort: pulumi.Int(mp), Protocol: pulumi.String("TCP"),
		})
	}
	c := &corev1.ContainerArgs{
		Name:            pulumi.String(b.name),
		Image:           t.image,
		ImagePullPolicy: pullPolicy(a.ImagePullPolicy, t.image),
		Ports:           ports,
		Env:             b.env(),
		EnvFrom:         b.envFrom(),
		Resources:       b.resources(),
		ReadinessProbe:  probe(*a.Probes.Readiness),
		LivenessProbe:   probe(*a.Probes.Liveness),
		StartupProbe:    probe(*a.Probes.Startup),
		SecurityContext: &corev1.SecurityContextArgs{
			AllowPrivilegeEscalation: pulumi.Bool(false),
			Privileged:               pulumi.Bool(false),
			ReadOnlyRootFilesystem:   pulumi.Bool(!s.WritableRootFilesystem),
			RunAsNonRoot:             pulumi.Bool(true),
			Capabilities:             caps,
			SeccompProfile:           &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
	}
	if len(a.Command) > 0 {
		c.Command = pulumi.ToStringArray(a.Command)
	}
	if len(a.CommandArgs) > 0 {
		c.Args = pulumi.ToStringArray(a.CommandArgs)
	}
	if !s.WritableRootFilesystem {
		c.VolumeMounts = corev1.VolumeMountArray{&corev1.VolumeMountArgs{
			Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp"),
		}}
	}
	if n := *a.PreStopSleepSeconds; n > 0 {
		// The sleep action needs no shell or sleep binary in the image
		// (distroless images have neither).
		c.Lifecycle = &corev1.LifecycleArgs{
			PreStop: &corev1.LifecycleHandlerArgs{Sleep: &corev1.SleepActionArgs{Seconds: pulumi.Int(n)}},
		}
	}
	return c
}

func probe(p ProbeArgs) corev1.ProbePtrInput {
	if p.Disabled {
		return nil
	}
	return &corev1.ProbeArgs{
		HttpGet: &corev1.HTTPGetActionArgs{
			Path:   pulumi.String(p.Path),
			Port:   pulumi.Int(*p.Port),
			Scheme: pulumi.String("HTTP"),
		},
		InitialDelaySeconds: pulumi.Int(p.InitialDelaySeconds),
		PeriodSeconds:       pulumi.Int(*p.PeriodSeconds),
		TimeoutSeconds:      pulumi.Int(*p.TimeoutSeconds),
		FailureThreshold:    pulumi.Int(*p.FailureThreshold),
		SuccessThreshold:    pulumi.Int(1),
	}
}

func (b *builder) resources() *corev1.ResourceRequirementsArgs {
	r := b.a.Resources
	requests := pulumi.StringMap{
		"cpu":               pulumi.String(r.CPURequest),
		"memory":            pulumi.String(r.MemoryRequest),
		"ephemeral-storage": pulumi.String(r.EphemeralStorageRequest),
	}
	limits := pulumi.StringMap{}
	for k, v := range map[string]string{"cpu": r.CPULimit, "memory": r.MemoryLimit, "ephemeral-storage": r.EphemeralStorageLimit} {
		if v != LimitNone {
			limits[k] = pulumi.String(v)
		}
	}
	out := &corev1.ResourceRequirementsArgs{Requests: requests}
	if len(limits) > 0 {
		out.Limits = limits
	}
	return out
}

// env returns the environment in a stable order: plain values sorted by
// name, then Secret keys, ConfigMap keys and SecretValues.
func (b *builder) env() corev1.EnvVarArray {
	a := b.a
	var env corev1.EnvVarArray
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		env = append(env, &corev1.EnvVarArgs{Name: pulumi.String(k), Value: pulumi.String(a.Env[k])})
	}
	for _, s := range a.SecretEnv {
		env = append(env, &corev1.EnvVarArgs{
			Name: pulumi.String(s.Name),
			ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
				Name: pulumi.String(s.Secret), Key: pulumi.String(s.Key), Optional: pulumi.Bool(s.Optional),
			}},
		})
	}
	for _, c := range a.ConfigMapEnv {
		env = append(env, &corev1.EnvVarArgs{
			Name: pulumi.String(c.Name),
			ValueFrom: &corev1.EnvVarSourceArgs{ConfigMapKeyRef: &corev1.ConfigMapKeySelectorArgs{
				Name: pulumi.String(c.ConfigMap), Key: pulumi.String(c.Key),
			}},
		})
	}
	if b.app.EnvSecret != nil {
		for _, k := range slices.Sorted(maps.Keys(a.SecretValues)) {
			env = append(env, &corev1.EnvVarArgs{
				Name: pulumi.String(k),
				ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
					Name: b.app.EnvSecret.Metadata.Name(), Key: pulumi.String(k),
				}},
			})
		}
	}
	return env
}

func (b *builder) envFrom() corev1.EnvFromSourceArray {
	var out corev1.EnvFromSourceArray
	for _, s := range b.a.EnvFromSecrets {
		out = append(out, &corev1.EnvFromSourceArgs{SecretRef: &corev1.SecretEnvSourceArgs{Name: pulumi.String(s)}})
	}
	if b.app.ExternalSecret != nil {
		out = append(out, &corev1.EnvFromSourceArgs{SecretRef: &corev1.SecretEnvSourceArgs{Name: pulumi.String(b.externalSecretName())}})
	}
	return out
}

// pullPolicy is policy, or when it is unset: IfNotPresent for an image
// pinned by digest (its content cannot change), Always otherwise, so a
// node never runs a stale copy of a tag that was pushed again (and the
// registry checks the pod's pull credentials every time).
func pullPolicy(policy string, image pulumi.StringOutput) pulumi.StringOutput {
	if policy != "" {
		return pulumi.String(policy).ToStringOutput()
	}
	return image.ApplyT(func(ref string) string {
		if strings.Contains(ref, "@sha256:") {
			return "IfNotPresent"
		}
		return "Always"
	}).(pulumi.StringOutput)
}
