// Package storage wires the Deployment strategy into the generic registry store.
package storage

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
)

// REST is the deployments endpoint: everything comes from the embedded generic Store.
type REST struct {
	*genericregistry.Store
}

// NewREST returns the store for deployments.apps; objects land at
// /registry/deployments/<namespace>/<name> in etcd.
// 资源类型相关的只有这几行:NewFunc、key 的前缀和 Strategy,其余全部复用通用的 Store。
func NewREST(s storage.Interface) *REST {
	store := &genericregistry.Store{
		NewFunc:                  func() metav1.Object { return &appsv1.Deployment{} },
		DefaultQualifiedResource: "deployments.apps",
		KeyFunc: func(ctx context.Context, name string) (string, error) {
			return genericregistry.NamespaceKeyFunc(ctx, "/deployments", name)
		},
		CreateStrategy: deployment.Strategy,
		Storage:        s,
	}
	return &REST{store}
}
