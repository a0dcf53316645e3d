package ec2arch

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		want InstanceType
	}{
		{"m6i.large", InstanceType{Arch: X8664}},
		{"t3.medium", InstanceType{Arch: X8664}},
		{"m7g.large", InstanceType{Arch: ARM64}},
		{"c7gn.2xlarge", InstanceType{Arch: ARM64}},
		{"is4gen.large", InstanceType{Arch: ARM64}},
		{"a1.medium", InstanceType{Arch: ARM64}},
		{"g4dn.xlarge", InstanceType{Arch: X8664, GPU: true}},
		{"g5g.xlarge", InstanceType{Arch: ARM64, GPU: true}},
		{"p5.48xlarge", InstanceType{Arch: X8664, GPU: true}},
		{"inf2.xlarge", InstanceType{Arch: X8664, Neuron: true}},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.name)
		if !ok || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.name, got, ok, tt.want)
		}
	}
	if _, ok := Parse("u-6tb1.metal"); ok {
		t.Errorf("Parse read a name it cannot know")
	}
}

func TestCheckAMI(t *testing.T) {
	tests := []struct {
		name, ami string
		types     []string
		wantErr   string
	}{
		{"x86 AMI on x86 types", "AL2023_x86_64_STANDARD", []string{"m6i.large", "m5.large"}, ""},
		{"ARM AMI on Graviton types", "AL2023_ARM_64_STANDARD", []string{"m7g.large"}, ""},
		{"ARM AMI on an x86 type", "AL2023_ARM_64_STANDARD", []string{"m7g.large", "m6i.large"}, `"m6i.large" is an x86_64 instance type`},
		{"Bottlerocket ARM on x86", "BOTTLEROCKET_ARM_64", []string{"t3.medium"}, "is built for arm64"},
		{"x86 AMI on Graviton", "BOTTLEROCKET_x86_64", []string{"c7g.large"}, "is a Graviton (arm64) instance type"},
		{"NVIDIA AMI without a GPU", "AL2023_x86_64_NVIDIA", []string{"m6i.large"}, "needs NVIDIA GPUs"},
		{"NVIDIA AMI on a GPU type", "AL2023_x86_64_NVIDIA", []string{"g5.xlarge"}, ""},
		{"Neuron AMI on inf", "AL2023_x86_64_NEURON", []string{"inf2.xlarge"}, ""},
		{"Neuron AMI elsewhere", "AL2023_x86_64_NEURON", []string{"g5.xlarge"}, "needs AWS Inferentia or Trainium"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAMI(tt.ami, tt.types)
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("CheckAMI(%s, %v) = %v, want %q", tt.ami, tt.types, err, tt.wantErr)
			}
		})
	}
}
