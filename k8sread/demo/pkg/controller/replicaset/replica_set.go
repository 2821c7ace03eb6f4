// Package replicaset is the replicaset controller: it creates and deletes pods until a
// ReplicaSet has as many as it wants. Written for k8sread's demo tree.
package replicaset

import (
	"context"
	"fmt"
	"log"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/kubernetes/pkg/controller"
)

const (
	// BurstReplicas caps the pods created or deleted in one sync.
	BurstReplicas = 500
	// SlowStartInitialBatchSize is the first batch of slowStartBatch.
	SlowStartInitialBatchSize = 1
)

// ReplicaSetController keeps len(pods) == spec.replicas for every ReplicaSet.
type ReplicaSetController struct {
	podControl    controller.PodControlInterface
	burstReplicas int

	rsLister  cache.Store
	podLister cache.Store

	expectations *controller.ControllerExpectations
	queue        workqueue.Interface
}

// NewReplicaSetController wires ReplicaSet and Pod events to the queue.
func NewReplicaSetController(rsInformer, podInformer cache.SharedIndexInformer, podControl controller.PodControlInterface) *ReplicaSetController {
	rsc := &ReplicaSetController{
		podControl:    podControl,
		burstReplicas: BurstReplicas,
		rsLister:      rsInformer.GetStore(),
		podLister:     podInformer.GetStore(),
		expectations:  controller.NewControllerExpectations(),
		queue:         workqueue.New(),
	}
	rsInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    rsc.enqueue,
		UpdateFunc: func(oldObj, newObj metav1.Object) { rsc.enqueue(newObj) },
	})
	podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: rsc.addPod,
	})
	return rsc
}

func (rsc *ReplicaSetController) enqueue(obj metav1.Object) {
	if key, err := controller.KeyFunc(obj); err == nil {
		rsc.queue.Add(key)
	}
}

// addPod marks one expected creation as seen and wakes the owner.
// 新 Pod 出现在 informer 里,说明之前的创建请求已经"落地":把期望计数减一,再把所属 ReplicaSet 放回队列。
func (rsc *ReplicaSetController) addPod(obj metav1.Object) {
	pod := obj.(*corev1.Pod)
	for _, ref := range pod.OwnerReferences {
		if ref.Kind != "ReplicaSet" || ref.Controller == nil || !*ref.Controller {
			continue
		}
		key := pod.Namespace + "/" + ref.Name
		rsc.expectations.CreationObserved(key)
		rsc.queue.Add(key)
	}
}

// Run starts the workers and blocks until ctx is done.
func (rsc *ReplicaSetController) Run(ctx context.Context, workers int) {
	defer rsc.queue.ShutDown()
	for i := 0; i < workers; i++ {
		go func() {
			for rsc.processNextWorkItem(ctx) {
			}
		}()
	}
	<-ctx.Done()
}

func (rsc *ReplicaSetController) processNextWorkItem(ctx context.Context) bool {
	key, quit := rsc.queue.Get()
	if quit {
		return false
	}
	defer rsc.queue.Done(key)
	if err := rsc.syncReplicaSet(ctx, key.(string)); err != nil {
		log.Printf("sync %q failed: %v", key, err)
	}
	return true
}

// syncReplicaSet compares the pods the ReplicaSet owns with spec.replicas.
func (rsc *ReplicaSetController) syncReplicaSet(ctx context.Context, key string) error {
	item, exists, err := rsc.rsLister.GetByKey(key)
	if err != nil || !exists {
		return err
	}
	rs := item.(*appsv1.ReplicaSet)
	var filteredPods []*corev1.Pod
	for _, obj := range rsc.podLister.List() {
		pod := obj.(*corev1.Pod)
		if pod.Namespace == rs.Namespace && pod.IsControlledBy(rs.UID) && isPodActive(pod) {
			filteredPods = append(filteredPods, pod)
		}
	}
	if !rsc.expectations.SatisfiedExpectations(key) {
		// Pods we asked for are not in the cache yet: counting now would create them twice.
		return nil
	}
	return rsc.manageReplicas(ctx, filteredPods, rs, key)
}

// manageReplicas creates or deletes the difference, creations in growing batches.
// 创建 Pod 用"慢启动":先建 1 个,成功了再建 2 个、4 个……这样配额不够时只会失败一次,而不是几百次。
func (rsc *ReplicaSetController) manageReplicas(ctx context.Context, filteredPods []*corev1.Pod, rs *appsv1.ReplicaSet, key string) error {
	diff := len(filteredPods) - int(*rs.Spec.Replicas)
	if diff < 0 {
		diff = -diff
		if diff > rsc.burstReplicas {
			diff = rsc.burstReplicas
		}
		rsc.expectations.ExpectCreations(key, diff)
		log.Printf("Too few replicas for ReplicaSet %s, need %d, creating %d", key, *rs.Spec.Replicas, diff)
		successfulCreations, err := slowStartBatch(diff, SlowStartInitialBatchSize, func() error {
			return rsc.podControl.CreatePods(ctx, rs.Namespace, &rs.Spec.Template, &rs.ObjectMeta, "ReplicaSet")
		})
		for skipped := diff - successfulCreations; skipped > 0; skipped-- {
			rsc.expectations.CreationObserved(key)
		}
		return err
	}
	for _, pod := range filteredPods[:diff] {
		if err := rsc.podControl.DeletePod(ctx, pod.Namespace, pod.Name); err != nil {
			return err
		}
	}
	return nil
}

// slowStartBatch calls fn count times in batches of 1, 2, 4, ... and stops at the first
// batch with an error. It returns how many calls succeeded.
func slowStartBatch(count int, initialBatchSize int, fn func() error) (int, error) {
	remaining := count
	successes := 0
	for batchSize := min(remaining, initialBatchSize); batchSize > 0; batchSize = min(2*batchSize, remaining) {
		errCh := make(chan error, batchSize)
		var wg sync.WaitGroup
		wg.Add(batchSize)
		for i := 0; i < batchSize; i++ {
			go func() {
				defer wg.Done()
				if err := fn(); err != nil {
					errCh <- err
				}
			}()
		}
		wg.Wait()
		curSuccesses := batchSize - len(errCh)
		successes += curSuccesses
		if len(errCh) > 0 {
			return successes, fmt.Errorf("creating pods: %v", <-errCh)
		}
		remaining -= batchSize
	}
	return successes, nil
}

func isPodActive(p *corev1.Pod) bool {
	return p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
