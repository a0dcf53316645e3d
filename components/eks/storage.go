package eks

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// storageClass creates the cluster's default StorageClass: EKS clusters
// since Kubernetes 1.30 have no default class, so a volume claim without
// one stays Pending. The class waits for the EBS CSI driver that
// provisions its volumes, so what claims one waits for the driver too; in
// Auto Mode, EKS's own block storage provisions them.
func (b *builder) storageClass() error {
	if b.a.StorageClass.Disabled {
		b.c.StorageClassName = pulumi.String("").ToStringOutput()
		return nil
	}
	provisioner, deps := "ebs.csi.aws.com", []pulumi.Resource{}
	if b.a.AutoMode.Enabled {
		// EKS User Guide, "Create a storage class" for Auto Mode
		// (https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html).
		provisioner = "ebs.csi.eks.amazonaws.com"
	} else {
		deps = append(deps, b.ebsDriver)
	}
	own, ann := naming.Owner(b.ctx.Project(), b.ctx.Stack())
	sc, err := storagev1.NewStorageClass(b.ctx, b.child("storage-class"), &storagev1.StorageClassArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(b.a.StorageClass.Name),
			Labels:      pulumi.ToStringMap(naming.Merge(map[string]string{naming.LabelManagedBy: naming.ManagedBy}, own)),
			Annotations: pulumi.ToStringMap(naming.Merge(map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}, ann)),
		},
		Provisioner: pulumi.String(provisioner),
		Parameters: pulumi.StringMap{
			"type":      pulumi.String("gp3"),
			"encrypted": pulumi.String("true"),
			"fsType":    pulumi.String("ext4"),
		},
		// Bind when a pod is scheduled, so the volume is made in its zone.
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
		ReclaimPolicy:        pulumi.String("Delete"),
	}, append(b.opts, pulumi.Provider(b.c.Provider), pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	b.c.StorageClass = sc
	b.c.StorageClassName = sc.Metadata.Name().Elem()
	return nil
}
