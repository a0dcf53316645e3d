package plinthtest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/eksaddon"
)

// Values the mocks use for the account, region and project of the fake
// clouds.
const (
	AccountID  = "123456789012"
	Region     = "eu-west-1"
	GCPProject = "acme-platform"
)

// FakeCA is a PEM certificate body the mocks return as cluster CA data.
var FakeCA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"

// defaultOutputs answers a registration: the inputs echoed back (as a
// provider's state would hold them), plus the computed outputs of the types
// plinth uses.
func defaultOutputs(r Resource, region string) resource.PropertyMap {
	out := r.Inputs.Copy()
	set := func(k string, v any) {
		if _, ok := out[resource.PropertyKey(k)]; !ok {
			out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	name := stringInput(r, "name")
	if name == "" {
		name = r.Name
	}
	service, kind := awsServiceKind(r.Type)
	switch {
	case strings.HasPrefix(r.Type, "aws:"):
		set("arn", "arn:aws:"+service+":"+region+":"+AccountID+":"+kind+"/"+name)
		if tags, ok := out["tags"]; ok {
			set("tagsAll", tags.Mappable())
		}
	}
	switch r.Type {
	case "aws:iam/role:Role", "aws:iam/policy:Policy":
		out["arn"] = resource.NewPropertyValue("arn:aws:iam::" + AccountID + ":" + kind + "/" + name)
		set("name", name)
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		url := strings.TrimPrefix(stringInput(r, "url"), "https://")
		out["arn"] = resource.NewPropertyValue("arn:aws:iam::" + AccountID + ":oidc-provider/" + url)
	case "aws:eks/cluster:Cluster":
		set("name", name)
		set("endpoint", "https://"+strings.ToUpper(shortHash(r.URN))+".gr7."+region+".eks.amazonaws.com")
		set("certificateAuthority", map[string]any{"data": base64.StdEncoding.EncodeToString([]byte(FakeCA))})
		set("identities", []any{map[string]any{"oidcs": []any{map[string]any{
			"issuer": "https://oidc.eks." + region + ".amazonaws.com/id/" + strings.ToUpper(shortHash(r.URN)),
		}}}})
		set("status", "ACTIVE")
		// EKS creates a security group for every cluster
		// (eks-cluster-sg-<name>-<id>); its id relates the rules that
		// name it to the cluster.
		if vpc, ok := out["vpcConfig"]; ok && vpc.IsObject() {
			cfg := vpc.ObjectValue().Copy()
			cfg["clusterSecurityGroupId"] = resource.NewPropertyValue("sg-" + shortHash(r.URN))
			out["vpcConfig"] = resource.NewPropertyValue(cfg.Mappable())
		}
	case "aws:kms/key:Key":
		set("keyId", shortHash(r.URN))
	case "aws:lb/loadBalancer:LoadBalancer":
		set("name", name)
		set("dnsName", name+"-"+shortHash(r.URN)[:8]+"."+region+".elb.amazonaws.com")
		set("arnSuffix", "app/"+name+"/"+shortHash(r.URN))
		set("zoneId", "Z32O12XQLNTSW2")
	case "aws:lb/targetGroup:TargetGroup":
		set("arnSuffix", "targetgroup/"+name+"/"+shortHash(r.URN))
	case "aws:ec2/vpc:Vpc":
		set("defaultSecurityGroupId", "sg-default"+shortHash(r.URN)[:8])
		set("defaultRouteTableId", "rtb-default"+shortHash(r.URN)[:8])
	case "aws:cloudwatch/logGroup:LogGroup":
		set("name", name)
		out["arn"] = resource.NewPropertyValue("arn:aws:logs:" + region + ":" + AccountID + ":log-group:" + name)
	case "aws:ecs/cluster:Cluster", "aws:ecs/service:Service":
		set("name", name)
	case "aws:ecr/repository:Repository":
		set("repositoryUrl", AccountID+".dkr.ecr."+region+".amazonaws.com/"+name)
	case "gcp:container/cluster:Cluster":
		set("name", name)
		set("endpoint", "10.0.0.2")
		set("masterAuth", map[string]any{"clusterCaCertificate": base64.StdEncoding.EncodeToString([]byte(FakeCA))})
		set("selfLink", "https://container.googleapis.com/v1/projects/"+GCPProject+"/locations/x/clusters/"+name)
	case "gcp:serviceaccount/account:Account":
		id := stringInput(r, "accountId")
		set("email", id+"@"+GCPProject+".iam.gserviceaccount.com")
		set("name", "projects/"+GCPProject+"/serviceAccounts/"+id+"@"+GCPProject+".iam.gserviceaccount.com")
	}
	if strings.HasPrefix(r.Type, "gcp:") {
		set("name", name)
		set("selfLink", "https://www.googleapis.com/compute/v1/projects/"+GCPProject+"/global/"+kind+"/"+name)
	}
	if strings.HasPrefix(r.Type, "kubernetes:") && r.Type != "kubernetes:helm.sh/v4:Chart" {
		if _, n := k8sNames(r); n == "" {
			meta := map[string]any{}
			if md, ok := out["metadata"]; ok && md.IsObject() {
				meta = md.Mappable().(map[string]any)
			}
			meta["name"] = r.Name
			out["metadata"] = resource.NewPropertyValue(meta)
		}
	}
	return out
}

// awsServiceKind turns "aws:eks/cluster:Cluster" into ("eks", "cluster").
func awsServiceKind(typ string) (string, string) {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 {
		return "", ""
	}
	mod, kind, _ := strings.Cut(parts[1], "/")
	return mod, kind
}

func stringInput(r Resource, key string) string {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// k8sNames returns metadata.namespace and metadata.name of a Kubernetes
// resource's inputs.
func k8sNames(r Resource) (string, string) {
	md, ok := r.Inputs["metadata"]
	if !ok || !md.IsObject() {
		return "", ""
	}
	get := func(k string) string {
		v, ok := md.ObjectValue()[resource.PropertyKey(k)]
		if ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	return get("namespace"), get("name")
}

// defaultCalls answers the provider functions plinth calls, for the
// provider's region. Lookups whose answer depends on the cloud (zones,
// add-on versions) answer from cited tables, or fail.
var defaultCalls = map[string]func(args resource.PropertyMap, region string) (resource.PropertyMap, error){
	"aws:index/getAvailabilityZones:getAvailabilityZones": availabilityZones,
	"aws:eks/getAddonVersion:getAddonVersion":             addonVersion,
	"aws:index/getCallerIdentity:getCallerIdentity": func(_ resource.PropertyMap, _ string) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID, "arn": "arn:aws:iam::" + AccountID + ":user/test", "userId": "AIDATEST", "id": AccountID,
		}), nil
	},
	"aws:index/getRegion:getRegion": func(_ resource.PropertyMap, region string) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"name": region, "id": region, "description": region}), nil
	},
	"aws:index/getPartition:getPartition": func(_ resource.PropertyMap, _ string) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}), nil
	},
	"gcp:organizations/getClientConfig:getClientConfig": func(_ resource.PropertyMap, _ string) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"project": GCPProject, "region": "europe-west1", "accessToken": "fake", "id": "x"}), nil
	},
	"gcp:compute/getZones:getZones": func(_ resource.PropertyMap, _ string) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"names": []any{"europe-west1-b", "europe-west1-c", "europe-west1-d"}, "id": "x"}), nil
	},
}

// availabilityZones answers aws.GetAvailabilityZones the way EC2 does,
// from the region's real zones (pkg/awszones): it honours state, the
// opt-in-status, zone-type, zone-name and zone-id filters, and the names
// and zone IDs to exclude. A region the table does not hold is an error,
// never an invented answer.
func availabilityZones(args resource.PropertyMap, region string) (resource.PropertyMap, error) {
	zones, ok := awszones.Of(region)
	if !ok {
		return nil, fmt.Errorf("plinthtest: the zone table (pkg/awszones) has no row for region %q: add it from its source, or use one of %v", region, awszones.Regions())
	}
	strs := func(v resource.PropertyValue) []string {
		var out []string
		if v.IsArray() {
			for _, e := range v.ArrayValue() {
				if e.IsString() {
					out = append(out, e.StringValue())
				}
			}
		}
		return out
	}
	filters := map[string][]string{}
	if f, ok := args["filters"]; ok && f.IsArray() {
		for _, e := range f.ArrayValue() {
			if e.IsObject() {
				o := e.ObjectValue()
				filters[o["name"].StringValue()] = strs(o["values"])
			}
		}
	}
	excludedIDs, excludedNames := strs(args["excludeZoneIds"]), strs(args["excludeNames"])
	// Without an opt-in-status filter EC2 lists the zones the account has
	// opted in to (and those needing none); the table's Local Zones are
	// not opted in, as in a new account.
	allOptIns := false
	if v, ok := args["allAvailabilityZones"]; ok && v.IsBool() {
		allOptIns = v.BoolValue()
	}
	var names, ids []any
	for _, z := range zones {
		keep := !slices.Contains(excludedIDs, z.ID) && !slices.Contains(excludedNames, z.Name)
		if v, ok := filters["opt-in-status"]; ok {
			keep = keep && slices.Contains(v, z.OptIn)
		} else if !allOptIns {
			keep = keep && z.OptIn != awszones.NotOptedIn
		}
		for key, value := range map[string]string{"zone-type": z.Type, "zone-name": z.Name, "zone-id": z.ID} {
			if v, ok := filters[key]; ok {
				keep = keep && slices.Contains(v, value)
			}
		}
		if keep {
			names, ids = append(names, z.Name), append(ids, z.ID)
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{"names": names, "zoneIds": ids, "id": region}), nil
}

// addonVersion answers aws.eks.getAddonVersion from the add-on table
// (pkg/eksaddon); an add-on or Kubernetes version the table does not
// hold is an error, as EKS's own answer would be.
func addonVersion(args resource.PropertyMap, _ string) (resource.PropertyMap, error) {
	str := func(k string) string {
		if v, ok := args[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	name, minor := str("addonName"), str("kubernetesVersion")
	v, ok := eksaddon.Version(name, minor)
	if !ok {
		return nil, fmt.Errorf("plinthtest: the add-on table (pkg/eksaddon) has no version of %q for Kubernetes %q", name, minor)
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"addonName": name, "kubernetesVersion": minor, "version": v, "id": name,
	}), nil
}
