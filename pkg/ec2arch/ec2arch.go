// Package ec2arch tells the processor architecture and accelerator of an
// EC2 instance type from its name, and checks that an EKS node group's
// AMI type can boot on its instance types. EKS accepts a node group whose
// AMI is built for another architecture (an ARM AMI on m6i), and its
// instances then never join the cluster: the group's creation times out.
//
// Sources: "Amazon EC2 instance type naming conventions"
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html:
// a "g" after the generation means AWS Graviton) and the EKS API's
// Nodegroup amiType values
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html).
//
// This package imports no cloud SDK.
package ec2arch

import (
	"fmt"
	"regexp"
	"strings"
)

// Architectures.
const (
	ARM64 = "arm64"
	X8664 = "x86_64"
)

// familyRE splits an instance type: series letters, generation digits,
// attribute letters (and options), then the size, e.g. "c7gn.large" →
// "c", "7", "gn".
var familyRE = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z-]*)\.[a-z0-9]+$`)

// InstanceType is what plinth reads from an instance type's name.
type InstanceType struct {
	// Arch is ARM64 or X8664.
	Arch string
	// GPU is true for the NVIDIA GPU series (g and p).
	GPU bool
	// Neuron is true for the AWS Inferentia and Trainium series.
	Neuron bool
}

// Parse reads an instance type's name; ok is false for names it cannot
// read (nothing is then checked).
func Parse(name string) (InstanceType, bool) {
	m := familyRE.FindStringSubmatch(name)
	if m == nil {
		return InstanceType{}, false
	}
	series, gen, attrs := m[1], m[2], m[3]
	it := InstanceType{Arch: X8664}
	if strings.HasPrefix(attrs, "g") || (series == "a" && gen == "1") {
		it.Arch = ARM64
	}
	it.GPU = series == "g" || series == "p"
	it.Neuron = series == "inf" || series == "trn"
	return it, true
}

// AMIArch returns the architecture an EKS AMI type is built for.
func AMIArch(amiType string) string {
	if strings.Contains(amiType, "ARM_64") {
		return ARM64
	}
	return X8664
}

// CheckAMI returns nil when every instance type can run amiType; the
// error names the first that cannot and what to use.
func CheckAMI(amiType string, instanceTypes []string) error {
	arch := AMIArch(amiType)
	for _, name := range instanceTypes {
		it, ok := Parse(name)
		if !ok {
			continue
		}
		switch {
		case it.Arch != arch && arch == ARM64:
			return fmt.Errorf("%s is built for %s but %q is an %s instance type: use Graviton types (a \"g\" after the generation, e.g. m7g.large) or an x86_64 AMI type", amiType, arch, name, it.Arch)
		case it.Arch != arch:
			return fmt.Errorf("%s is built for %s but %q is a Graviton (%s) instance type: use an ARM_64 AMI type or x86 instance types", amiType, arch, name, it.Arch)
		case strings.HasSuffix(amiType, "_NVIDIA") && !it.GPU:
			return fmt.Errorf("%s needs NVIDIA GPUs but %q has none: use a g or p instance type, or a STANDARD AMI type", amiType, name)
		case strings.HasSuffix(amiType, "_NEURON") && !it.Neuron:
			return fmt.Errorf("%s needs AWS Inferentia or Trainium but %q has neither: use an inf or trn instance type, or a STANDARD AMI type", amiType, name)
		}
	}
	return nil
}
