// Package cache holds what informers are made of: a thread-safe local store of objects
// keyed by namespace/name, and the informer that keeps it in step with the API server.
// Written for k8sread's demo tree.
package cache

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Store is a local copy of objects; controllers read it instead of asking the API server.
type Store interface {
	Add(obj metav1.Object) error
	Update(obj metav1.Object) error
	Delete(obj metav1.Object) error
	List() []metav1.Object
	GetByKey(key string) (item metav1.Object, exists bool, err error)
	// Replace swaps the whole content, after a (re)list.
	Replace(list []metav1.Object) error
}

// KeyFunc maps an object to its key in a Store.
type KeyFunc func(obj metav1.Object) (string, error)

// MetaNamespaceKeyFunc is the key everyone uses: "<namespace>/<name>", or "<name>".
// 工作队列里排队的就是这个字符串,而不是对象本身:处理时再从本地缓存里取最新的对象。
func MetaNamespaceKeyFunc(obj metav1.Object) (string, error) {
	meta := obj.GetObjectMeta()
	if meta.Name == "" {
		return "", fmt.Errorf("object has no name")
	}
	if meta.Namespace == "" {
		return meta.Name, nil
	}
	return meta.Namespace + "/" + meta.Name, nil
}

// SplitMetaNamespaceKey is the inverse of MetaNamespaceKeyFunc.
func SplitMetaNamespaceKey(key string) (namespace, name string, err error) {
	parts := strings.Split(key, "/")
	switch len(parts) {
	case 1:
		return "", parts[0], nil
	case 2:
		return parts[0], parts[1], nil
	}
	return "", "", fmt.Errorf("unexpected key format: %q", key)
}

type threadSafeStore struct {
	lock    sync.RWMutex
	items   map[string]metav1.Object
	keyFunc KeyFunc
}

// NewStore returns an empty Store.
func NewStore(keyFunc KeyFunc) Store {
	return &threadSafeStore{items: map[string]metav1.Object{}, keyFunc: keyFunc}
}

func (c *threadSafeStore) Add(obj metav1.Object) error {
	key, err := c.keyFunc(obj)
	if err != nil {
		return err
	}
	c.lock.Lock()
	defer c.lock.Unlock()
	c.items[key] = obj
	return nil
}

func (c *threadSafeStore) Update(obj metav1.Object) error {
	return c.Add(obj)
}

func (c *threadSafeStore) Delete(obj metav1.Object) error {
	key, err := c.keyFunc(obj)
	if err != nil {
		return err
	}
	c.lock.Lock()
	defer c.lock.Unlock()
	delete(c.items, key)
	return nil
}

// List returns the objects sorted by key, so callers see a stable order.
func (c *threadSafeStore) List() []metav1.Object {
	c.lock.RLock()
	defer c.lock.RUnlock()
	keys := make([]string, 0, len(c.items))
	for key := range c.items {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	list := make([]metav1.Object, 0, len(keys))
	for _, key := range keys {
		list = append(list, c.items[key])
	}
	return list
}

func (c *threadSafeStore) GetByKey(key string) (metav1.Object, bool, error) {
	c.lock.RLock()
	defer c.lock.RUnlock()
	item, exists := c.items[key]
	return item, exists, nil
}

func (c *threadSafeStore) Replace(list []metav1.Object) error {
	items := make(map[string]metav1.Object, len(list))
	for _, obj := range list {
		key, err := c.keyFunc(obj)
		if err != nil {
			return err
		}
		items[key] = obj
	}
	c.lock.Lock()
	defer c.lock.Unlock()
	c.items = items
	return nil
}
