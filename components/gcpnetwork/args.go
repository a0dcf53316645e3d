package gcpnetwork

// Args configures a VPC network for GKE, or names an existing one.
type Args struct {
	// Project is the GCP project id. Required.
	Project string `pulumi:"project"`
	// Region of the subnetwork, router and NAT. Required.
	Region string `pulumi:"region"`
	// NetworkName uses an existing network: nothing is created, and
	// SubnetworkName is required.
	NetworkName string `pulumi:"networkName,optional"`
	// SubnetworkName is the existing subnetwork (with NetworkName).
	SubnetworkName string `pulumi:"subnetworkName,optional"`
	// CIDR is the block the three ranges are carved from when they are not
	// given: nodes and services take a /20 each at its start, pods the
	// second quarter. Default: "10.16.0.0/12".
	CIDR string `pulumi:"cidr,optional"`
	// NodesCIDR is the subnetwork's primary range. Default: - carved from CIDR.
	NodesCIDR string `pulumi:"nodesCidr,optional"`
	// PodsCIDR is the secondary range for pods. Default: - carved from CIDR.
	PodsCIDR string `pulumi:"podsCidr,optional"`
	// ServicesCIDR is the secondary range for services. Default: - carved from CIDR.
	ServicesCIDR string `pulumi:"servicesCidr,optional"`
	// FlowLogSampling is the share of subnetwork flows logged, 0–1.
	// Default: 0.5.
	FlowLogSampling float64 `pulumi:"flowLogSampling,optional"`
	// EnableAPIs enables the Compute Engine API in the project before
	// using it, and never disables it. Set false where APIs are managed
	// centrally. Default: true.
	EnableAPIs *bool `pulumi:"enableApis,optional"`
}
