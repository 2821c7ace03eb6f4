// Package etcd3 implements storage.Interface. In the miniature the "etcd" is a map guarded by
// a mutex with a global revision counter, which is the part of etcd the API server relies on.
package etcd3

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/storage"
)

type keyValue struct {
	value          []byte
	createRevision int64
	modRevision    int64
}

type store struct {
	mu         sync.Mutex
	pathPrefix string
	revision   int64
	data       map[string]keyValue
	watchers   []*watcher
}

type watcher struct {
	prefix string
	ch     chan storage.Event
}

// New returns a store whose keys all start with pathPrefix, e.g. "/registry".
func New(pathPrefix string) storage.Interface {
	return &store{pathPrefix: pathPrefix, data: map[string]keyValue{}}
}

// Create is etcd's "Txn(If(CreateRevision(key) == 0), Then(Put(key, value)))".
// 这就是 etcd 里的一次事务:只有 key 不存在(createRevision 为 0)时才写入,否则返回 ErrKeyExists。
// 写入成功后全局 revision 加一,这个数字就成了对象的 resourceVersion。
func (s *store) Create(ctx context.Context, key string, obj, out metav1.Object) error {
	if obj.GetObjectMeta().ResourceVersion != "" {
		return storage.ErrKeyExists
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	key = s.pathPrefix + key

	s.mu.Lock()
	defer s.mu.Unlock()
	if existing, ok := s.data[key]; ok && existing.createRevision != 0 {
		return storage.ErrKeyExists
	}
	s.revision++
	s.data[key] = keyValue{value: data, createRevision: s.revision, modRevision: s.revision}
	s.notify(storage.Added, key, data)
	return decode(data, s.revision, out)
}

// Get reads one key.
func (s *store) Get(ctx context.Context, key string, out metav1.Object) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kv, ok := s.data[s.pathPrefix+key]
	if !ok {
		return storage.ErrKeyNotFound
	}
	return decode(kv.value, kv.modRevision, out)
}

// GuaranteedUpdate is optimistic concurrency: read, update, write only if nobody wrote in
// between. With one mutex nobody can, so the loop runs once; etcd needs the retry.
func (s *store) GuaranteedUpdate(ctx context.Context, key string, out metav1.Object, tryUpdate storage.UpdateFunc) error {
	key = s.pathPrefix + key
	s.mu.Lock()
	defer s.mu.Unlock()
	kv, ok := s.data[key]
	if !ok {
		return storage.ErrKeyNotFound
	}
	if err := decode(kv.value, kv.modRevision, out); err != nil {
		return err
	}
	updated, err := tryUpdate(out)
	if err != nil {
		return err
	}
	data, err := json.Marshal(updated)
	if err != nil {
		return err
	}
	s.revision++
	s.data[key] = keyValue{value: data, createRevision: kv.createRevision, modRevision: s.revision}
	s.notify(storage.Modified, key, data)
	return decode(data, s.revision, out)
}

// Watch returns a channel of every later change under prefix.
func (s *store) Watch(ctx context.Context, prefix string) (<-chan storage.Event, error) {
	w := &watcher{prefix: s.pathPrefix + prefix, ch: make(chan storage.Event, 100)}
	s.mu.Lock()
	s.watchers = append(s.watchers, w)
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, other := range s.watchers {
			if other == w {
				s.watchers = append(s.watchers[:i], s.watchers[i+1:]...)
				close(w.ch)
				break
			}
		}
	}()
	return w.ch, nil
}

// notify runs with s.mu held; a full watcher channel drops the event, as a slow etcd
// watcher would be cut off and have to relist.
func (s *store) notify(eventType storage.EventType, key string, data []byte) {
	for _, w := range s.watchers {
		if !strings.HasPrefix(key, w.prefix) {
			continue
		}
		select {
		case w.ch <- storage.Event{Type: eventType, Key: key, Object: data, ResourceVersion: s.revision}:
		default:
		}
	}
}

func decode(data []byte, revision int64, out metav1.Object) error {
	if err := json.Unmarshal(data, out); err != nil {
		return err
	}
	out.GetObjectMeta().ResourceVersion = strconv.FormatInt(revision, 10)
	return nil
}
