// Package gcpnetwork creates the VPC network that plinth's GKE clusters run
// in, or adopts an existing one:
//
//	net, err := gcpnetwork.New(ctx, "main", gcpnetwork.Args{Project: "acme-platform", Region: "europe-west1"})
//
// It registers a component of type plinth:gcp:Network with these children
// (logical names in brackets):
//
//   - VPC network without auto-created subnetworks [<name>-network]
//   - subnetwork [<name>-subnet] with Private Google Access, secondary ranges
//     "pods" and "services", and flow logs
//   - Cloud Router [<name>-router] and Cloud NAT [<name>-nat], so private nodes reach out
//   - firewall rules: traffic inside the ranges [<name>-allow-internal], Google's
//     health checks [<name>-allow-health-checks], every other ingress denied
//     and logged [<name>-deny-all-ingress]
//
// The three ranges are carved from one block with a CIDR library (go-cidr)
// unless given, and must not overlap. Given NetworkName and SubnetworkName,
// nothing is created. This is the only plinth package that imports the GCP
// compute SDK, the slowest SDK package to compile.
//
// # Defaults and the checks they satisfy
//
//	| setting                | default                                      | checks                 |
//	|------------------------|----------------------------------------------|------------------------|
//	| block                  | 10.16.0.0/12 → nodes 10.16.0.0/20, services  |                        |
//	|                        | 10.16.16.0/20, pods 10.20.0.0/14             |                        |
//	| auto subnetworks       | off                                          | CIS GCP 3.1 (no default network) |
//	| Private Google Access  | on                                           | CKV_GCP_74             |
//	| flow logs              | 5 s aggregation, 50 % sampling, all metadata | CKV_GCP_26             |
//	| Cloud NAT              | automatic IPs, errors logged                 | private nodes (CIS 5.6.5) |
//	| firewall               | internal ranges and health checks allowed,   | no world-open ingress  |
//	|                        | everything else denied and logged            |                        |
package gcpnetwork
