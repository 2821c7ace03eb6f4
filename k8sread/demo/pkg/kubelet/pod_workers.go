package kubelet

import (
	"context"
	"log"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

type syncPodFnType func(ctx context.Context, pod *corev1.Pod) error

// podWorkers runs one goroutine per pod, so two changes to the same pod never sync at once
// while different pods sync in parallel.
// 每个 Pod 一个 goroutine、一个通道:同一个 Pod 的更新排队串行处理,不同 Pod 之间互不阻塞。
type podWorkers struct {
	mu         sync.Mutex
	podUpdates map[string]chan *corev1.Pod
	syncPodFn  syncPodFnType
}

func newPodWorkers(syncPodFn syncPodFnType) *podWorkers {
	return &podWorkers{podUpdates: map[string]chan *corev1.Pod{}, syncPodFn: syncPodFn}
}

// UpdatePod queues pod for its worker, starting the worker on the first update.
func (p *podWorkers) UpdatePod(pod *corev1.Pod, op PodOperation) {
	uid := string(pod.UID)
	// Sends happen under the lock too, so removeTerminated never closes a channel mid-send.
	p.mu.Lock()
	defer p.mu.Unlock()
	ch, exists := p.podUpdates[uid]
	if !exists {
		// A buffer of one: a newer update replaces a pending one, the worker only needs
		// the latest pod.
		ch = make(chan *corev1.Pod, 1)
		p.podUpdates[uid] = ch
		go p.managePodLoop(ch)
	}
	select {
	case ch <- pod:
	default:
		select {
		case <-ch:
		default:
		}
		ch <- pod
	}
}

func (p *podWorkers) managePodLoop(podUpdates <-chan *corev1.Pod) {
	for pod := range podUpdates {
		if err := p.syncPodFn(context.Background(), pod); err != nil {
			log.Printf("Error syncing pod %s/%s, skipping: %v", pod.Namespace, pod.Name, err)
		}
	}
}

// removeTerminated stops the workers of pods the kubelet no longer knows.
func (p *podWorkers) removeTerminated(known map[string]bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for uid, ch := range p.podUpdates {
		if !known[uid] {
			close(ch)
			delete(p.podUpdates, uid)
		}
	}
}
