// Package storage is the contract between the API server's registries and the key-value
// store under them. Written for k8sread's demo tree.
package storage

import (
	"context"
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Interface is all a registry needs from storage; etcd3 is the one implementation.
// 注册表(registry)只通过这个接口访问存储,所以换存储后端不需要改任何资源的代码。
type Interface interface {
	// Create writes obj at key unless something is already there, then decodes the stored
	// object (now with a resourceVersion) into out.
	Create(ctx context.Context, key string, obj, out metav1.Object) error
	// Get decodes the object at key into out.
	Get(ctx context.Context, key string, out metav1.Object) error
	// GuaranteedUpdate retries tryUpdate until its write wins against concurrent writers.
	GuaranteedUpdate(ctx context.Context, key string, out metav1.Object, tryUpdate UpdateFunc) error
	// Watch streams every change under the key prefix after resourceVersion.
	Watch(ctx context.Context, prefix string) (<-chan Event, error)
}

// UpdateFunc computes the new object from the current one.
type UpdateFunc func(current metav1.Object) (metav1.Object, error)

// EventType is what happened to a key.
type EventType string

const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
)

// Event is one change seen by a watch; Object is the JSON of the object after the change.
type Event struct {
	Type            EventType
	Key             string
	Object          []byte
	ResourceVersion int64
}

var (
	// ErrKeyExists is returned by Create when the key is taken: the caller reports 409.
	ErrKeyExists = errors.New("storage: key exists")
	// ErrKeyNotFound is returned by Get and GuaranteedUpdate for a missing key: 404.
	ErrKeyNotFound = errors.New("storage: key not found")
)
