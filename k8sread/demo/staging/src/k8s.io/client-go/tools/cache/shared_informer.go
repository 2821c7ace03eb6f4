package cache

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WatchEvent is one change delivered by a ListerWatcher.
type WatchEvent struct {
	Type   string // ADDED, MODIFIED or DELETED
	Object metav1.Object
}

// ListerWatcher is the list-then-watch pair every informer needs.
type ListerWatcher interface {
	List(ctx context.Context) (items []metav1.Object, resourceVersion string, err error)
	Watch(ctx context.Context, resourceVersion string) (<-chan WatchEvent, error)
}

// ResourceEventHandler is how controllers hear about changes.
type ResourceEventHandler interface {
	OnAdd(obj metav1.Object)
	OnUpdate(oldObj, newObj metav1.Object)
	OnDelete(obj metav1.Object)
}

// ResourceEventHandlerFuncs adapts plain funcs; a nil func ignores that kind of change.
type ResourceEventHandlerFuncs struct {
	AddFunc    func(obj metav1.Object)
	UpdateFunc func(oldObj, newObj metav1.Object)
	DeleteFunc func(obj metav1.Object)
}

func (r ResourceEventHandlerFuncs) OnAdd(obj metav1.Object) {
	if r.AddFunc != nil {
		r.AddFunc(obj)
	}
}

func (r ResourceEventHandlerFuncs) OnUpdate(oldObj, newObj metav1.Object) {
	if r.UpdateFunc != nil {
		r.UpdateFunc(oldObj, newObj)
	}
}

func (r ResourceEventHandlerFuncs) OnDelete(obj metav1.Object) {
	if r.DeleteFunc != nil {
		r.DeleteFunc(obj)
	}
}

// SharedIndexInformer keeps one Store in step with the API server and fans changes out to
// every handler, so ten controllers watching pods cost one watch, not ten.
type SharedIndexInformer interface {
	AddEventHandler(handler ResourceEventHandler)
	GetStore() Store
	Run(stopCh <-chan struct{})
	HasSynced() bool
}

type sharedIndexInformer struct {
	lw           ListerWatcher
	store        Store
	resyncPeriod time.Duration

	mu       sync.Mutex
	handlers []ResourceEventHandler
	synced   bool
}

// NewSharedIndexInformer returns an informer; nothing happens until Run.
func NewSharedIndexInformer(lw ListerWatcher, resyncPeriod time.Duration) SharedIndexInformer {
	return &sharedIndexInformer{lw: lw, store: NewStore(MetaNamespaceKeyFunc), resyncPeriod: resyncPeriod}
}

func (s *sharedIndexInformer) AddEventHandler(handler ResourceEventHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers = append(s.handlers, handler)
}

func (s *sharedIndexInformer) GetStore() Store { return s.store }

func (s *sharedIndexInformer) HasSynced() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.synced
}

// Run lists once, then watches from the list's resourceVersion; when the watch ends it
// lists again, which is how a missed event is never lost for good.
// 先 List 再 Watch:List 给出全量和一个 resourceVersion,Watch 从这个版本之后接着看增量。
func (s *sharedIndexInformer) Run(stopCh <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-stopCh
		cancel()
	}()
	for ctx.Err() == nil {
		if err := s.listAndWatch(ctx); err != nil {
			time.Sleep(time.Second)
		}
	}
}

func (s *sharedIndexInformer) listAndWatch(ctx context.Context) error {
	items, resourceVersion, err := s.lw.List(ctx)
	if err != nil {
		return err
	}
	if err := s.store.Replace(items); err != nil {
		return err
	}
	for _, item := range items {
		s.distribute(func(h ResourceEventHandler) { h.OnAdd(item) })
	}
	s.mu.Lock()
	s.synced = true
	s.mu.Unlock()

	events, err := s.lw.Watch(ctx, resourceVersion)
	if err != nil {
		return err
	}
	for event := range events {
		s.handle(event)
	}
	return nil
}

func (s *sharedIndexInformer) handle(event WatchEvent) {
	key, err := MetaNamespaceKeyFunc(event.Object)
	if err != nil {
		return
	}
	old, exists, _ := s.store.GetByKey(key)
	switch {
	case event.Type == "DELETED":
		_ = s.store.Delete(event.Object)
		s.distribute(func(h ResourceEventHandler) { h.OnDelete(event.Object) })
	case exists:
		_ = s.store.Update(event.Object)
		s.distribute(func(h ResourceEventHandler) { h.OnUpdate(old, event.Object) })
	default:
		_ = s.store.Add(event.Object)
		s.distribute(func(h ResourceEventHandler) { h.OnAdd(event.Object) })
	}
}

func (s *sharedIndexInformer) distribute(call func(h ResourceEventHandler)) {
	s.mu.Lock()
	handlers := append([]ResourceEventHandler(nil), s.handlers...)
	s.mu.Unlock()
	for _, h := range handlers {
		call(h)
	}
}

// InformerSynced is an informer's HasSynced, passed around on its own.
type InformerSynced func() bool

// WaitForCacheSync blocks until every informer has listed once, or stopCh closes.
func WaitForCacheSync(stopCh <-chan struct{}, cacheSyncs ...InformerSynced) bool {
	for {
		synced := true
		for _, hasSynced := range cacheSyncs {
			synced = synced && hasSynced()
		}
		if synced {
			return true
		}
		select {
		case <-stopCh:
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}
