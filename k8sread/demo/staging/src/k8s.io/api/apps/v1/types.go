// Package v1 is the apps API group in miniature: Deployments and the ReplicaSets they own.
// Written for k8sread's demo tree.
package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Deployment is what `kubectl apply -f deployment.yaml` creates: a desired number of pods
// from one template, rolled out through ReplicaSets.
// Deployment 本身不管 Pod:它只管 ReplicaSet,每次模板变化就换一个新的 ReplicaSet。
type Deployment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   DeploymentSpec   `json:"spec,omitempty"`
	Status DeploymentStatus `json:"status,omitempty"`
}

// DeploymentSpec is the desired state.
type DeploymentSpec struct {
	// Replicas 是指针:nil 表示用户没写,由 apiserver 的默认值逻辑填成 1。
	Replicas *int32                 `json:"replicas,omitempty"`
	Selector *metav1.LabelSelector  `json:"selector"`
	Template corev1.PodTemplateSpec `json:"template"`
	Strategy DeploymentStrategy     `json:"strategy,omitempty"`
	// RevisionHistoryLimit is how many old ReplicaSets are kept for rollbacks.
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
}

// DeploymentStrategy says how to replace old pods with new ones.
type DeploymentStrategy struct {
	Type string `json:"type,omitempty"`
}

const (
	// RollingUpdateDeploymentStrategyType replaces pods a few at a time (the default).
	RollingUpdateDeploymentStrategyType = "RollingUpdate"
	// RecreateDeploymentStrategyType kills every old pod before creating new ones.
	RecreateDeploymentStrategyType = "Recreate"
	// DefaultDeploymentUniqueLabelKey is added to a ReplicaSet's selector and pod labels so
	// the ReplicaSets of one Deployment never adopt each other's pods.
	DefaultDeploymentUniqueLabelKey = "pod-template-hash"
)

// DeploymentStatus is written by the deployment controller.
type DeploymentStatus struct {
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	Replicas           int32 `json:"replicas,omitempty"`
	UpdatedReplicas    int32 `json:"updatedReplicas,omitempty"`
	ReadyReplicas      int32 `json:"readyReplicas,omitempty"`
	AvailableReplicas  int32 `json:"availableReplicas,omitempty"`
}

// ReplicaSet keeps a number of identical pods running.
type ReplicaSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ReplicaSetSpec   `json:"spec,omitempty"`
	Status ReplicaSetStatus `json:"status,omitempty"`
}

// ReplicaSetSpec is the desired state of a ReplicaSet.
type ReplicaSetSpec struct {
	Replicas *int32                 `json:"replicas,omitempty"`
	Selector *metav1.LabelSelector  `json:"selector"`
	Template corev1.PodTemplateSpec `json:"template,omitempty"`
}

// ReplicaSetStatus is written by the replicaset controller.
type ReplicaSetStatus struct {
	Replicas           int32 `json:"replicas"`
	ReadyReplicas      int32 `json:"readyReplicas,omitempty"`
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}
