package plinthtest

import (
	"encoding/base64"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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
func defaultOutputs(m *mocks, r Resource) resource.PropertyMap {
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
		set("arn", "arn:aws:"+service+":"+Region+":"+AccountID+":"+kind+"/"+name)
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
		set("endpoint", "https://"+strings.ToUpper(shortHash(r.URN))+".gr7."+Region+".eks.amazonaws.com")
		set("certificateAuthority", map[string]any{"data": base64.StdEncoding.EncodeToString([]byte(FakeCA))})
		set("identities", []any{map[string]any{"oidcs": []any{map[string]any{
			"issuer": "https://oidc.eks." + Region + ".amazonaws.com/id/" + strings.ToUpper(shortHash(r.URN)),
		}}}})
		set("status", "ACTIVE")
	case "aws:kms/key:Key":
		set("keyId", shortHash(r.URN))
	case "aws:lb/loadBalancer:LoadBalancer":
		set("name", name)
		set("dnsName", name+"-"+shortHash(r.URN)[:8]+"."+Region+".elb.amazonaws.com")
		set("arnSuffix", "app/"+name+"/"+shortHash(r.URN))
		set("zoneId", "Z32O12XQLNTSW2")
	case "aws:lb/targetGroup:TargetGroup":
		set("arnSuffix", "targetgroup/"+name+"/"+shortHash(r.URN))
	case "aws:ec2/vpc:Vpc":
		set("defaultSecurityGroupId", "sg-default"+shortHash(r.URN)[:8])
		set("defaultRouteTableId", "rtb-default"+shortHash(r.URN)[:8])
	case "aws:cloudwatch/logGroup:LogGroup":
		set("name", name)
		out["arn"] = resource.NewPropertyValue("arn:aws:logs:" + Region + ":" + AccountID + ":log-group:" + name)
	case "aws:ecs/cluster:Cluster", "aws:ecs/service:Service":
		set("name", name)
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

// defaultCalls answers the provider functions plinth calls.
var defaultCalls = map[string]func(resource.PropertyMap) resource.PropertyMap{
	"aws:index/getAvailabilityZones:getAvailabilityZones": func(resource.PropertyMap) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"names":   []any{Region + "a", Region + "b", Region + "c", Region + "d"},
			"zoneIds": []any{"euw1-az1", "euw1-az2", "euw1-az3", "euw1-az4"},
			"id":      Region,
		})
	},
	"aws:index/getCallerIdentity:getCallerIdentity": func(resource.PropertyMap) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID, "arn": "arn:aws:iam::" + AccountID + ":user/test", "userId": "AIDATEST", "id": AccountID,
		})
	},
	"aws:index/getRegion:getRegion": func(resource.PropertyMap) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"name": Region, "id": Region, "description": "Europe (Ireland)"})
	},
	"aws:index/getPartition:getPartition": func(resource.PropertyMap) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"})
	},
	"gcp:organizations/getClientConfig:getClientConfig": func(resource.PropertyMap) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"project": GCPProject, "region": "europe-west1", "accessToken": "fake", "id": "x"})
	},
	"gcp:compute/getZones:getZones": func(resource.PropertyMap) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"names": []any{"europe-west1-b", "europe-west1-c", "europe-west1-d"}, "id": "x"})
	},
}
