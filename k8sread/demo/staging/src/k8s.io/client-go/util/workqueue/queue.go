// Package workqueue is the queue between informers and controller workers. Written for
// k8sread's demo tree.
package workqueue

import "sync"

// Interface is a FIFO of keys with two promises: a key is never in the queue twice, and
// a key is never handed to two workers at once.
type Interface interface {
	Add(item interface{})
	Len() int
	Get() (item interface{}, shutdown bool)
	Done(item interface{})
	ShutDown()
}

type set map[interface{}]struct{}

// Type is the default Interface.
type Type struct {
	queue []interface{}
	// dirty: everything that needs processing; processing: what a worker holds now.
	// 一个 key 正在被处理时又来了新事件:只记进 dirty,等 Done 时再放回队列,保证不会被两个 worker 同时处理。
	dirty        set
	processing   set
	cond         *sync.Cond
	shuttingDown bool
}

// New returns an empty queue.
func New() *Type {
	return &Type{dirty: set{}, processing: set{}, cond: sync.NewCond(&sync.Mutex{})}
}

func (q *Type) Add(item interface{}) {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	if q.shuttingDown {
		return
	}
	if _, ok := q.dirty[item]; ok {
		return
	}
	q.dirty[item] = struct{}{}
	if _, ok := q.processing[item]; ok {
		return
	}
	q.queue = append(q.queue, item)
	q.cond.Signal()
}

func (q *Type) Len() int {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	return len(q.queue)
}

// Get blocks until there is an item or the queue shuts down.
func (q *Type) Get() (interface{}, bool) {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	for len(q.queue) == 0 && !q.shuttingDown {
		q.cond.Wait()
	}
	if len(q.queue) == 0 {
		return nil, true
	}
	item := q.queue[0]
	q.queue = q.queue[1:]
	q.processing[item] = struct{}{}
	delete(q.dirty, item)
	return item, false
}

// Done ends processing; an item added meanwhile goes back in the queue now.
func (q *Type) Done(item interface{}) {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	delete(q.processing, item)
	if _, ok := q.dirty[item]; ok {
		q.queue = append(q.queue, item)
		q.cond.Signal()
	}
}

func (q *Type) ShutDown() {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	q.shuttingDown = true
	q.cond.Broadcast()
}
