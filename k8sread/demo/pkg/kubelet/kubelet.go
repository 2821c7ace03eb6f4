// Package kubelet is the node agent: it watches the pods bound to its node and makes the
// container runtime run them. Written for k8sread's demo tree.
package kubelet

import (
	"context"
	"fmt"
	"log"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
)

// PodOperation is the kind of change a PodUpdate carries.
type PodOperation int

const (
	ADD PodOperation = iota
	UPDATE
	REMOVE
)

// PodUpdate is one message from a pod source (the API server, static files, ...).
type PodUpdate struct {
	Pods []*corev1.Pod
	Op   PodOperation
}

// SyncHandler is what syncLoopIteration dispatches to; the Kubelet implements it.
type SyncHandler interface {
	HandlePodAdditions(pods []*corev1.Pod)
	HandlePodUpdates(pods []*corev1.Pod)
	HandlePodRemoves(pods []*corev1.Pod)
	HandlePodSyncs(pods []*corev1.Pod)
}

// Kubelet is the main kubelet type.
type Kubelet struct {
	nodeName   string
	kubeClient *rest.RESTClient

	containerRuntime kuberuntime.KubeGenericRuntime
	podWorkers       *podWorkers

	podLock sync.Mutex
	pods    map[string]*corev1.Pod

	resyncInterval time.Duration
}

// NewMainKubelet builds a Kubelet for nodeName.
func NewMainKubelet(nodeName string, kubeClient *rest.RESTClient, runtime kuberuntime.KubeGenericRuntime) *Kubelet {
	kl := &Kubelet{
		nodeName:         nodeName,
		kubeClient:       kubeClient,
		containerRuntime: runtime,
		pods:             map[string]*corev1.Pod{},
		resyncInterval:   time.Minute,
	}
	kl.podWorkers = newPodWorkers(kl.syncPod)
	return kl
}

// NewSourceApiserver sends every change of the pods bound to nodeName to updates.
// kubelet 只 watch spec.nodeName 等于自己名字的 Pod:调度器完成绑定的那一刻,这里就会收到一个 ADD。
func NewSourceApiserver(client *rest.RESTClient, nodeName string, updates chan<- PodUpdate) cache.SharedIndexInformer {
	lw := cache.NewListWatchFromClient(client, "pods", metav1.NamespaceAll, "spec.nodeName="+nodeName,
		func() metav1.Object { return &corev1.Pod{} })
	informer := cache.NewSharedIndexInformer(lw, 0)
	send := func(op PodOperation, obj metav1.Object) {
		updates <- PodUpdate{Pods: []*corev1.Pod{obj.(*corev1.Pod)}, Op: op}
	}
	informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj metav1.Object) { send(ADD, obj) },
		UpdateFunc: func(oldObj, newObj metav1.Object) { send(UPDATE, newObj) },
		DeleteFunc: func(obj metav1.Object) { send(REMOVE, obj) },
	})
	return informer
}

// Run starts the sync loop; it returns when updates is closed.
func (kl *Kubelet) Run(updates <-chan PodUpdate) {
	log.Printf("Starting kubelet main sync loop on node %q", kl.nodeName)
	kl.syncLoop(updates, kl)
}

// syncLoop is the kubelet's main loop: it never returns while the kubelet runs, and every
// pod change on this node passes through it.
func (kl *Kubelet) syncLoop(updates <-chan PodUpdate, handler SyncHandler) {
	syncTicker := time.NewTicker(time.Second)
	defer syncTicker.Stop()
	housekeepingTicker := time.NewTicker(2 * time.Second)
	defer housekeepingTicker.Stop()
	for {
		if !kl.syncLoopIteration(updates, handler, syncTicker.C, housekeepingTicker.C) {
			break
		}
	}
}

// syncLoopIteration waits for one event from any channel and dispatches it.
// select 同时等待多个通道:配置变化(configCh)、定时同步(syncCh)和清理(housekeepingCh),谁先到就处理谁。
func (kl *Kubelet) syncLoopIteration(configCh <-chan PodUpdate, handler SyncHandler, syncCh <-chan time.Time, housekeepingCh <-chan time.Time) bool {
	select {
	case u, open := <-configCh:
		if !open {
			log.Printf("Update channel is closed, exiting the sync loop")
			return false
		}
		switch u.Op {
		case ADD:
			handler.HandlePodAdditions(u.Pods)
		case UPDATE:
			handler.HandlePodUpdates(u.Pods)
		case REMOVE:
			handler.HandlePodRemoves(u.Pods)
		}
	case <-syncCh:
		handler.HandlePodSyncs(kl.podsToResync())
	case <-housekeepingCh:
		kl.podWorkers.removeTerminated(kl.knownPods())
	}
	return true
}

// HandlePodAdditions admits new pods, oldest first, and hands each to its pod worker.
func (kl *Kubelet) HandlePodAdditions(pods []*corev1.Pod) {
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	for _, pod := range pods {
		kl.podLock.Lock()
		kl.pods[string(pod.UID)] = pod
		kl.podLock.Unlock()
		kl.dispatchWork(pod, ADD)
	}
}

func (kl *Kubelet) HandlePodUpdates(pods []*corev1.Pod) {
	for _, pod := range pods {
		kl.podLock.Lock()
		kl.pods[string(pod.UID)] = pod
		kl.podLock.Unlock()
		kl.dispatchWork(pod, UPDATE)
	}
}

func (kl *Kubelet) HandlePodRemoves(pods []*corev1.Pod) {
	kl.podLock.Lock()
	defer kl.podLock.Unlock()
	for _, pod := range pods {
		delete(kl.pods, string(pod.UID))
	}
}

func (kl *Kubelet) HandlePodSyncs(pods []*corev1.Pod) {
	for _, pod := range pods {
		kl.dispatchWork(pod, UPDATE)
	}
}

func (kl *Kubelet) dispatchWork(pod *corev1.Pod, op PodOperation) {
	kl.podWorkers.UpdatePod(pod, op)
}

func (kl *Kubelet) knownPods() map[string]bool {
	kl.podLock.Lock()
	defer kl.podLock.Unlock()
	known := make(map[string]bool, len(kl.pods))
	for uid := range kl.pods {
		known[uid] = true
	}
	return known
}

func (kl *Kubelet) podsToResync() []*corev1.Pod {
	kl.podLock.Lock()
	defer kl.podLock.Unlock()
	var pods []*corev1.Pod
	for _, pod := range kl.pods {
		if pod.Status.Phase != corev1.PodRunning {
			pods = append(pods, pod)
		}
	}
	return pods
}

// syncPod is called by the pod worker: run the pod through the runtime, then report.
func (kl *Kubelet) syncPod(ctx context.Context, pod *corev1.Pod) error {
	result := kl.containerRuntime.SyncPod(ctx, pod)
	status := corev1.PodStatus{Phase: corev1.PodRunning}
	if err := result.Error(); err != nil {
		status.Phase = corev1.PodPending
		status.Conditions = []corev1.PodCondition{{Type: "Ready", Status: "False", Reason: "ContainersNotReady", Message: err.Error()}}
	} else {
		status.Conditions = []corev1.PodCondition{{Type: "Ready", Status: "True"}}
	}
	for _, c := range pod.Spec.Containers {
		status.ContainerStatuses = append(status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, Ready: result.Err == nil, Started: result.Err == nil,
		})
	}
	if err := kl.updatePodStatus(ctx, pod, status); err != nil {
		return fmt.Errorf("update status of pod %q: %v", pod.Name, err)
	}
	return result.Error()
}

// updatePodStatus writes status through the status subresource.
func (kl *Kubelet) updatePodStatus(ctx context.Context, pod *corev1.Pod, status corev1.PodStatus) error {
	body := map[string]interface{}{"status": status}
	return kl.kubeClient.Patch().Namespace(pod.Namespace).Resource("pods").Name(pod.Name).
		SubResource("status").Body(body).Do(ctx).Error()
}
