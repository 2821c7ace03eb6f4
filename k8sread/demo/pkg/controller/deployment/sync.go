package deployment

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// sync makes sure the ReplicaSet for the current template exists and has the replicas the
// Deployment asks for, then writes the status. The miniature knows one strategy only:
// scale the new ReplicaSet up in one step and the old ones down to zero.
func (dc *DeploymentController) sync(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, oldRSs, err := dc.getAllReplicaSets(ctx, d, rsList)
	if err != nil {
		return err
	}
	if err := dc.scaleReplicaSet(ctx, newRS, *d.Spec.Replicas); err != nil {
		return err
	}
	for _, rs := range oldRSs {
		if err := dc.scaleReplicaSet(ctx, rs, 0); err != nil {
			return err
		}
	}
	return dc.syncDeploymentStatus(ctx, d, newRS, oldRSs)
}

// getAllReplicaSets splits the owned ReplicaSets into the one matching the current
// template (created when missing) and the old ones.
func (dc *DeploymentController) getAllReplicaSets(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet, error) {
	hash := ComputeHash(&d.Spec.Template)
	var newRS *appsv1.ReplicaSet
	var oldRSs []*appsv1.ReplicaSet
	for _, rs := range rsList {
		if rs.Labels[appsv1.DefaultDeploymentUniqueLabelKey] == hash {
			newRS = rs
		} else {
			oldRSs = append(oldRSs, rs)
		}
	}
	if newRS != nil {
		return newRS, oldRSs, nil
	}
	newRS, err := dc.getNewReplicaSet(ctx, d, hash)
	return newRS, oldRSs, err
}

// getNewReplicaSet creates ReplicaSet <deployment>-<hash> from the Deployment's template,
// with the hash added to its selector and labels.
// ReplicaSet 名字里的 hash 就是 pod-template-hash:同一个模板总是算出同一个 hash,
// 所以控制器重启后也能认出"这个 ReplicaSet 就是当前模板对应的那个"。
func (dc *DeploymentController) getNewReplicaSet(ctx context.Context, d *appsv1.Deployment, hash string) (*appsv1.ReplicaSet, error) {
	template := d.Spec.Template
	template.Labels = cloneWithLabel(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey, hash)
	selector := &metav1.LabelSelector{
		MatchLabels: cloneWithLabel(d.Spec.Selector.MatchLabels, appsv1.DefaultDeploymentUniqueLabelKey, hash),
	}
	replicas := int32(0)
	newRS := &appsv1.ReplicaSet{
		TypeMeta: metav1.TypeMeta{Kind: "ReplicaSet", APIVersion: "apps/v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name:            d.Name + "-" + hash,
			Namespace:       d.Namespace,
			Labels:          template.Labels,
			OwnerReferences: []metav1.OwnerReference{metav1.NewControllerRef(&d.ObjectMeta, "apps/v1", "Deployment")},
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: &replicas,
			Selector: selector,
			Template: template,
		},
	}
	created := &appsv1.ReplicaSet{}
	err := dc.client.Post().Namespace(d.Namespace).Resource("replicasets").Body(newRS).Do(ctx).Into(created)
	if err != nil {
		return nil, fmt.Errorf("creating replica set %s: %v", newRS.Name, err)
	}
	return created, nil
}

// scaleReplicaSet sets spec.replicas through the scale subresource when it differs.
func (dc *DeploymentController) scaleReplicaSet(ctx context.Context, rs *appsv1.ReplicaSet, replicas int32) error {
	if rs.Spec.Replicas != nil && *rs.Spec.Replicas == replicas {
		return nil
	}
	patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, replicas)
	return dc.client.Patch().Namespace(rs.Namespace).Resource("replicasets").Name(rs.Name).
		SubResource("scale").Body([]byte(patch)).Do(ctx).Error()
}

// syncDeploymentStatus adds up the ReplicaSets' counts.
func (dc *DeploymentController) syncDeploymentStatus(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet) error {
	status := appsv1.DeploymentStatus{ObservedGeneration: d.Generation, UpdatedReplicas: newRS.Status.Replicas}
	for _, rs := range append([]*appsv1.ReplicaSet{newRS}, oldRSs...) {
		status.Replicas += rs.Status.Replicas
		status.ReadyReplicas += rs.Status.ReadyReplicas
	}
	status.AvailableReplicas = status.ReadyReplicas
	if status == d.Status {
		return nil
	}
	body := map[string]interface{}{"status": status}
	return dc.client.Patch().Namespace(d.Namespace).Resource("deployments").Name(d.Name).
		SubResource("status").Body(body).Do(ctx).Error()
}

// ComputeHash is a short, stable name for a pod template: FNV-32a of its JSON, written
// with an alphabet that has no vowels.
func ComputeHash(template *corev1.PodTemplateSpec) string {
	hasher := fnv.New32a()
	data, _ := json.Marshal(template)
	hasher.Write(data)
	return safeEncode(fmt.Sprint(hasher.Sum32()))
}

func safeEncode(s string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	out := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		out[i] = alphabet[int(s[i])%len(alphabet)]
	}
	return string(out)
}

func cloneWithLabel(labels map[string]string, key, value string) map[string]string {
	out := make(map[string]string, len(labels)+1)
	for k, v := range labels {
		out[k] = v
	}
	out[key] = value
	return out
}
