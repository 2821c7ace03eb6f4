// Package controller holds what the workload controllers share: creating pods from a
// template, and expectations that keep a controller from acting on a stale cache.
// Written for k8sread's demo tree.
package controller

import (
	"context"
	"math/rand"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// KeyFunc is the key of every controller's work queue.
var KeyFunc = cache.MetaNamespaceKeyFunc

// PodControlInterface is how a controller creates and deletes pods; tests swap in a fake.
type PodControlInterface interface {
	CreatePods(ctx context.Context, namespace string, template *corev1.PodTemplateSpec, owner *metav1.ObjectMeta, ownerKind string) error
	DeletePod(ctx context.Context, namespace, name string) error
}

// RealPodControl talks to the API server. It only holds a client, so value receivers do.
type RealPodControl struct {
	Client *rest.RESTClient
}

var _ PodControlInterface = RealPodControl{}

// CreatePods creates one pod from template, owned by owner.
func (r RealPodControl) CreatePods(ctx context.Context, namespace string, template *corev1.PodTemplateSpec, owner *metav1.ObjectMeta, ownerKind string) error {
	pod := GetPodFromTemplate(template, owner, ownerKind)
	return r.Client.Post().Namespace(namespace).Resource("pods").Body(pod).Do(ctx).Error()
}

// DeletePod deletes one pod by name.
func (r RealPodControl) DeletePod(ctx context.Context, namespace, name string) error {
	return r.Client.Verb("DELETE").Namespace(namespace).Resource("pods").Name(name).Do(ctx).Error()
}

// GetPodFromTemplate builds the pod a controller asks for: the template's labels and spec,
// a name made of the owner's name and a random suffix, and an owner reference.
// Pod 的名字就是 nginx-<hash>-<随机后缀>:前半截来自 ReplicaSet 的名字,后缀由这里随机生成。
func GetPodFromTemplate(template *corev1.PodTemplateSpec, owner *metav1.ObjectMeta, ownerKind string) *corev1.Pod {
	labels := make(map[string]string, len(template.Labels))
	for k, v := range template.Labels {
		labels[k] = v
	}
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name:            owner.Name + "-" + randomSuffix(5),
			Namespace:       owner.Namespace,
			Labels:          labels,
			OwnerReferences: []metav1.OwnerReference{metav1.NewControllerRef(owner, "apps/v1", ownerKind)},
		},
		Spec: template.Spec,
	}
	pod.Spec.Containers = append([]corev1.Container(nil), template.Spec.Containers...)
	return pod
}

// The alphabet has no vowels, so a suffix never spells a word.
const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func randomSuffix(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = suffixAlphabet[rand.Intn(len(suffixAlphabet))]
	}
	return string(b)
}

// ControllerExpectations counts the creations a controller asked for and has not seen in
// its informer yet. Until they are all seen, its cache is behind and it must not act again.
type ControllerExpectations struct {
	mu   sync.Mutex
	adds map[string]int
}

// NewControllerExpectations returns empty expectations.
func NewControllerExpectations() *ControllerExpectations {
	return &ControllerExpectations{adds: map[string]int{}}
}

// ExpectCreations records that n pods were just requested for key.
func (e *ControllerExpectations) ExpectCreations(key string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.adds[key] = n
}

// CreationObserved is called by the pod informer's add handler.
func (e *ControllerExpectations) CreationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.adds[key] > 0 {
		e.adds[key]--
	}
}

// SatisfiedExpectations is true when every requested creation has been seen.
func (e *ControllerExpectations) SatisfiedExpectations(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.adds[key] <= 0
}
