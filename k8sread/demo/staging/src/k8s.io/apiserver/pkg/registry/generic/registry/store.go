// Package registry holds the generic REST store every built-in resource is made of: a few
// funcs and a strategy per resource, the same create/get/update code for all of them.
package registry

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/storage"
)

// RESTCreateStrategy is what a resource plugs into Store.Create.
type RESTCreateStrategy interface {
	NamespaceScoped() bool
	// PrepareForCreate clears what users may not set (status) and sets generation.
	PrepareForCreate(ctx context.Context, obj metav1.Object)
	// Validate returns every problem at once, so the user fixes the YAML in one go.
	Validate(ctx context.Context, obj metav1.Object) []error
}

// Store implements create and get for one resource on top of storage.Interface.
type Store struct {
	NewFunc                  func() metav1.Object
	DefaultQualifiedResource string
	// KeyFunc maps a request to the storage key, e.g. /deployments/default/nginx.
	KeyFunc        func(ctx context.Context, name string) (string, error)
	CreateStrategy RESTCreateStrategy
	Storage        storage.Interface
}

// StatusError carries the HTTP code the handler should answer with.
type StatusError struct {
	Code    int
	Message string
}

func (e *StatusError) Error() string { return e.Message }

// Create runs the strategy, then writes through storage.
// 顺序很重要:先 PrepareForCreate 清掉用户不该写的字段,再校验,最后才交给 etcd。
func (e *Store) Create(ctx context.Context, obj metav1.Object) (metav1.Object, error) {
	if err := BeforeCreate(e.CreateStrategy, ctx, obj); err != nil {
		return nil, err
	}
	name := obj.GetObjectMeta().Name
	key, err := e.KeyFunc(ctx, name)
	if err != nil {
		return nil, err
	}
	out := e.NewFunc()
	if err := e.Storage.Create(ctx, key, obj, out); err != nil {
		if errors.Is(err, storage.ErrKeyExists) {
			return nil, &StatusError{Code: 409, Message: fmt.Sprintf("%s %q already exists", e.DefaultQualifiedResource, name)}
		}
		return nil, err
	}
	return out, nil
}

// Get reads one object by name.
func (e *Store) Get(ctx context.Context, name string) (metav1.Object, error) {
	key, err := e.KeyFunc(ctx, name)
	if err != nil {
		return nil, err
	}
	out := e.NewFunc()
	if err := e.Storage.Get(ctx, key, out); err != nil {
		if errors.Is(err, storage.ErrKeyNotFound) {
			return nil, &StatusError{Code: 404, Message: fmt.Sprintf("%s %q not found", e.DefaultQualifiedResource, name)}
		}
		return nil, err
	}
	return out, nil
}

// BeforeCreate is shared by every resource: namespace check, strategy, validation.
func BeforeCreate(strategy RESTCreateStrategy, ctx context.Context, obj metav1.Object) error {
	meta := obj.GetObjectMeta()
	if strategy.NamespaceScoped() {
		if ns := NamespaceValue(ctx); meta.Namespace == "" {
			meta.Namespace = ns
		} else if meta.Namespace != ns {
			return &StatusError{Code: 400, Message: "the namespace of the object does not match the namespace of the request"}
		}
	} else {
		meta.Namespace = ""
	}
	strategy.PrepareForCreate(ctx, obj)
	if errs := strategy.Validate(ctx, obj); len(errs) > 0 {
		return &StatusError{Code: 422, Message: fmt.Sprintf("%s is invalid: %v", meta.Name, errs)}
	}
	return nil
}

type namespaceKey struct{}

// WithNamespace returns a context carrying the request's namespace.
func WithNamespace(ctx context.Context, namespace string) context.Context {
	return context.WithValue(ctx, namespaceKey{}, namespace)
}

// NamespaceValue is the request's namespace, "" for cluster-scoped requests.
func NamespaceValue(ctx context.Context) string {
	ns, _ := ctx.Value(namespaceKey{}).(string)
	return ns
}

// NamespaceKeyFunc builds <prefix>/<namespace>/<name>.
func NamespaceKeyFunc(ctx context.Context, prefix, name string) (string, error) {
	ns := NamespaceValue(ctx)
	if ns == "" {
		return "", &StatusError{Code: 400, Message: "namespace is required"}
	}
	if name == "" {
		return "", &StatusError{Code: 400, Message: "name is required"}
	}
	return prefix + "/" + ns + "/" + name, nil
}
