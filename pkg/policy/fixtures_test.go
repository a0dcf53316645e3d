package policy

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/plinth-dev/plinth/pkg/awsiam"
)

// Fixtures: one compliant resource per type, and the edits that break
// it. Every rule's test runs its passing fixture (compliant resources)
// and its failing fixture (one edit applied).

func clone(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// edit returns a copy of r with path set to value (nil deletes it).
func edit(r Resource, path string, value any) Resource {
	in := clone(r.Inputs).(map[string]any)
	parts := strings.Split(strings.ReplaceAll(path, "[", ".["), ".")
	var cur any = in
	for i, part := range parts {
		last := i == len(parts)-1
		if strings.HasPrefix(part, "[") {
			idx, _ := strconv.Atoi(strings.Trim(part, "[]"))
			arr := cur.([]any)
			if last {
				arr[idx] = value
				return Resource{Type: r.Type, Name: r.Name, Inputs: in}
			}
			cur = arr[idx]
			continue
		}
		m := cur.(map[string]any)
		if last {
			if value == nil {
				delete(m, part)
			} else {
				m[part] = value
			}
			return Resource{Type: r.Type, Name: r.Name, Inputs: in}
		}
		next, ok := m[part]
		if !ok {
			next = map[string]any{}
			m[part] = next
		}
		cur = next
	}
	return Resource{Type: r.Type, Name: r.Name, Inputs: in}
}

func res(typ, name string, inputs map[string]any) Resource {
	return Resource{Type: typ, Name: name, Inputs: clone(inputs).(map[string]any)}
}

func containerDefs(c map[string]any) string {
	b, _ := json.Marshal([]any{c})
	return string(b)
}

var goodContainer = map[string]any{
	"name": "api", "image": "registry.example.com/acme/api:1.0.0", "user": "1001:1001",
	"privileged": false, "readonlyRootFilesystem": true,
	"environment": []any{map[string]any{"name": "LOG_LEVEL", "value": "info"}},
	"secrets":     []any{map[string]any{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:db"}},
}

func awsGood() map[string]Resource {
	return map[string]Resource{
		tEKSCluster: res(tEKSCluster, "cluster", map[string]any{
			"version": "1.33",
			"vpcConfig": map[string]any{"endpointPublicAccess": false, "endpointPrivateAccess": true,
				"subnetIds": []any{"subnet-a"}},
			"encryptionConfig":       map[string]any{"resources": []any{"secrets"}, "provider": map[string]any{"keyArn": "arn:aws:kms:eu-west-1:1:key/k"}},
			"enabledClusterLogTypes": []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
			"accessConfig":           map[string]any{"authenticationMode": "API"},
		}),
		tEKSNodeGroup: res(tEKSNodeGroup, "nodes", map[string]any{"launchTemplate": map[string]any{"id": "lt-1", "version": "1"}}),
		tIAMRole:      res(tIAMRole, "web-pod-identity", map[string]any{"assumeRolePolicy": awsiam.AssumeRoleForPodIdentity().JSON()}),
		tLaunchTemplate: res(tLaunchTemplate, "lt", map[string]any{
			"metadataOptions":     map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 1.0},
			"networkInterfaces":   []any{map[string]any{"associatePublicIpAddress": "false"}},
			"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"encrypted": "true"}}},
		}),
		tTaskDef: res(tTaskDef, "task", map[string]any{
			"containerDefinitions": containerDefs(goodContainer),
			"executionRoleArn":     "arn:aws:iam::1:role/exec", "taskRoleArn": "arn:aws:iam::1:role/task",
			"volumes": []any{map[string]any{"name": "data", "efsVolumeConfiguration": map[string]any{"fileSystemId": "fs-1", "transitEncryption": "ENABLED"}}},
		}),
		tECSService: res(tECSService, "svc", map[string]any{
			"networkConfiguration":     map[string]any{"assignPublicIp": false},
			"platformVersion":          "LATEST",
			"deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": true},
		}),
		tECSCluster: res(tECSCluster, "ecs", map[string]any{"settings": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}}),
		tListener: res(tListener, "https", map[string]any{"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"defaultActions": []any{map[string]any{"type": "forward"}}}),
		tLB: res(tLB, "alb", map[string]any{"loadBalancerType": "application", "internal": true, "dropInvalidHeaderFields": true,
			"accessLogs": map[string]any{"enabled": true, "bucket": "logs"}, "enableDeletionProtection": true}),
		tTargetGroup:    res(tTargetGroup, "tg", map[string]any{"healthCheck": map[string]any{"enabled": true, "path": "/health"}}),
		tRolePolicy:     res(tRolePolicy, "policy", map[string]any{"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":["arn:aws:logs:eu-west-1:1:log-group:x:*"]},{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`}),
		tRoleAttachment: res(tRoleAttachment, "attach", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"}),
		tKMSKey:         res(tKMSKey, "key", map[string]any{"enableKeyRotation": true}),
		tLogGroup:       res(tLogGroup, "logs", map[string]any{"retentionInDays": 365.0, "kmsKeyId": "arn:aws:kms:eu-west-1:1:key/k"}),
		tSGRule: res(tSGRule, "rule", map[string]any{"type": "ingress", "fromPort": 443.0, "toPort": 443.0,
			"cidrBlocks": []any{"0.0.0.0/0"}}),
		tDefaultSG: res(tDefaultSG, "default-sg", map[string]any{"vpcId": "vpc-1"}),
		tSubnet:    res(tSubnet, "subnet", map[string]any{"mapPublicIpOnLaunch": false}),
		tVPC:       res(tVPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}),
		tFlowLog:   res(tFlowLog, "flow", map[string]any{"vpcId": "vpc-1", "trafficType": "ALL"}),
	}
}

func gcpGood() map[string]Resource {
	return map[string]Resource{
		tGKECluster: res(tGKECluster, "gke", map[string]any{
			"location":                       "europe-west1",
			"privateClusterConfig":           map[string]any{"enablePrivateNodes": true, "enablePrivateEndpoint": false},
			"masterAuthorizedNetworksConfig": map[string]any{"cidrBlocks": []any{map[string]any{"cidrBlock": "203.0.113.0/24"}}},
			"datapathProvider":               "ADVANCED_DATAPATH",
			"ipAllocationPolicy":             map[string]any{"clusterSecondaryRangeName": "pods"},
			"workloadIdentityConfig":         map[string]any{"workloadPool": "p.svc.id.goog"},
			"enableLegacyAbac":               false,
			"masterAuth":                     map[string]any{"clientCertificateConfig": map[string]any{"issueClientCertificate": false}},
			"enableShieldedNodes":            true,
			"releaseChannel":                 map[string]any{"channel": "REGULAR"},
			"binaryAuthorization":            map[string]any{"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
			"enableIntranodeVisibility":      true,
			"databaseEncryption":             map[string]any{"state": "ENCRYPTED", "keyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k"},
		}),
		tGKENodePool: res(tGKENodePool, "pool", map[string]any{
			"management":  map[string]any{"autoRepair": true, "autoUpgrade": true},
			"autoscaling": map[string]any{"minNodeCount": 1.0, "maxNodeCount": 3.0},
			"nodeConfig": map[string]any{
				"imageType": "COS_CONTAINERD", "serviceAccount": "nodes@p.iam.gserviceaccount.com",
				"workloadMetadataConfig": map[string]any{"mode": "GKE_METADATA"},
				"shieldedInstanceConfig": map[string]any{"enableSecureBoot": true, "enableIntegrityMonitoring": true},
			},
		}),
		tFirewall: res(tFirewall, "fw", map[string]any{"direction": "INGRESS", "sourceRanges": []any{"10.0.0.0/8"},
			"allows": []any{map[string]any{"protocol": "tcp"}}}),
		tGCPSubnet:  res(tGCPSubnet, "subnet", map[string]any{"logConfig": map[string]any{"metadata": "INCLUDE_ALL_METADATA"}, "privateIpGoogleAccess": true}),
		tGCPNetwork: res(tGCPNetwork, "net", map[string]any{"autoCreateSubnetworks": false}),
	}
}

var podLabels = map[string]any{"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "prod"}

func k8sGood() map[string]Resource {
	container := map[string]any{
		"name": "web", "image": "registry.example.com/acme/web:1.4.2",
		"resources":      map[string]any{"requests": map[string]any{"cpu": "250m", "memory": "256Mi"}, "limits": map[string]any{"memory": "512Mi"}},
		"readinessProbe": map[string]any{"httpGet": map[string]any{"path": "/ready", "port": 8080.0}},
		"livenessProbe":  map[string]any{"httpGet": map[string]any{"path": "/health", "port": 8080.0}},
		"securityContext": map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
			"capabilities": map[string]any{"drop": []any{"ALL"}}, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
	}
	return map[string]Resource{
		tDeployment: res(tDeployment, "web-deployment", map[string]any{
			"metadata": map[string]any{"name": "web", "namespace": "web"},
			"spec": map[string]any{
				"selector": map[string]any{"matchLabels": podLabels},
				"strategy": map[string]any{"type": "RollingUpdate"},
				"template": map[string]any{
					"metadata": map[string]any{"labels": podLabels},
					"spec": map[string]any{
						"serviceAccountName": "web", "automountServiceAccountToken": false,
						"securityContext":           map[string]any{"runAsNonRoot": true, "runAsUser": 1001.0, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
						"topologySpreadConstraints": []any{map[string]any{"topologyKey": "topology.kubernetes.io/zone", "maxSkew": 1.0, "whenUnsatisfiable": "ScheduleAnyway"}},
						"containers":                []any{container},
					},
				},
			},
		}),
		tService: res(tService, "web-service", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"},
			"spec": map[string]any{"type": "ClusterIP", "selector": podLabels}}),
		tHPA: res(tHPA, "web-hpa", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"},
			"spec": map[string]any{"minReplicas": 3.0, "maxReplicas": 10.0, "scaleTargetRef": map[string]any{"kind": "Deployment", "name": "web"}}}),
		tPDB: res(tPDB, "web-pdb", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"},
			"spec": map[string]any{"maxUnavailable": 1.0, "selector": map[string]any{"matchLabels": podLabels}}}),
		tNetPol: res(tNetPol, "web-networkpolicy", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"},
			"spec": map[string]any{"podSelector": map[string]any{"matchLabels": podLabels}, "policyTypes": []any{"Ingress"}}}),
		tNamespace: res(tNamespace, "ns-web", map[string]any{"metadata": map[string]any{"name": "web",
			"labels": map[string]any{"pod-security.kubernetes.io/enforce": "restricted"}}}),
		tClusterRole: res(tClusterRole, "reader", map[string]any{"rules": []any{map[string]any{"apiGroups": []any{""}, "resources": []any{"pods"}, "verbs": []any{"get", "list"}}}}),
		tCRB:         res(tCRB, "reader", map[string]any{"roleRef": map[string]any{"kind": "ClusterRole", "name": "reader"}}),
		tGitRepository: res(tGitRepository, "flux-gitrepository", map[string]any{"metadata": map[string]any{"name": "plinth", "namespace": "flux-system"},
			"spec": map[string]any{"url": "ssh://git@git.example.com/acme/deploy.git", "ref": map[string]any{"branch": "main"}, "secretRef": map[string]any{"name": "plinth-git"}}}),
		tKustomization: res(tKustomization, "flux-kustomization-prod", map[string]any{"metadata": map[string]any{"name": "prod", "namespace": "flux-system"},
			"spec": map[string]any{"path": "./envs/prod", "prune": true, "wait": true, "sourceRef": map[string]any{"kind": "GitRepository", "name": "plinth"}}}),
		// As the imagepolicy component renders it (imagepolicy.Spec).
		tClusterPolicy: res(tClusterPolicy, "signed-images-policy", map[string]any{"metadata": map[string]any{"name": "signed-images"},
			"spec": map[string]any{"webhookConfiguration": map[string]any{"failurePolicy": "Fail"}, "rules": []any{map[string]any{
				"name": "verify-signature", "verifyImages": []any{map[string]any{
					"imageReferences": []any{"registry.example.com/acme/*"}, "failureAction": "Enforce", "mutateDigest": true, "verifyDigest": true,
					"attestors": []any{map[string]any{"entries": []any{map[string]any{"keys": map[string]any{"publicKeys": "-----BEGIN PUBLIC KEY-----"}}}}},
				}}}}}}),
	}
}

// goodStack is a compliant set of every fixture type.
func goodStack() []Resource {
	var out []Resource
	for _, m := range []map[string]Resource{awsGood(), gcpGood(), k8sGood()} {
		for _, r := range m {
			out = append(out, r)
		}
	}
	return out
}
