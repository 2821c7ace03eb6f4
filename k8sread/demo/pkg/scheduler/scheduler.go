// Package scheduler places pods on nodes: pop a pod without a node, filter the nodes, score
// the ones left, and bind the pod to the best. Written for k8sread's demo tree.
package scheduler

import (
	"context"
	"fmt"
	"log"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/noderesources"
)

// Scheduler holds the caches, the queue of pods to place and the plugins.
type Scheduler struct {
	client     *rest.RESTClient
	podLister  cache.Store
	nodeLister cache.Store
	// queue holds keys of pods that have no node yet.
	// 真实的调度器用按优先级排序的 PriorityQueue,还有 backoff 和 unschedulable 两个子队列;迷你版用普通队列。
	queue workqueue.Interface

	filters []framework.FilterPlugin
	scorers []framework.ScorePlugin
}

// ScheduleResult is the outcome of one scheduling cycle.
type ScheduleResult struct {
	SuggestedHost  string
	EvaluatedNodes int
	FeasibleNodes  int
}

// New returns a scheduler fed by the two informers.
func New(client *rest.RESTClient, podInformer, nodeInformer cache.SharedIndexInformer) *Scheduler {
	fit := noderesources.NewFit()
	sched := &Scheduler{
		client:     client,
		podLister:  podInformer.GetStore(),
		nodeLister: nodeInformer.GetStore(),
		queue:      workqueue.New(),
		filters:    []framework.FilterPlugin{fit},
		scorers:    []framework.ScorePlugin{fit},
	}
	podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: sched.addPodToSchedulingQueue,
	})
	return sched
}

// addPodToSchedulingQueue takes only pods that are ours and not placed yet.
func (sched *Scheduler) addPodToSchedulingQueue(obj metav1.Object) {
	pod := obj.(*corev1.Pod)
	if pod.Spec.NodeName != "" || (pod.Spec.SchedulerName != "" && pod.Spec.SchedulerName != corev1.DefaultSchedulerName) {
		return
	}
	if key, err := cache.MetaNamespaceKeyFunc(pod); err == nil {
		sched.queue.Add(key)
	}
}

// Run schedules pods one at a time until ctx is done.
func (sched *Scheduler) Run(ctx context.Context) {
	go func() {
		<-ctx.Done()
		sched.queue.ShutDown()
	}()
	for ctx.Err() == nil {
		sched.scheduleOne(ctx)
	}
}

// scheduleOne is one scheduling cycle: pop, place, then bind in the background so the
// next pod does not wait for the API server.
// 调度周期是串行的(一次只调度一个 Pod),绑定周期放进 goroutine 里并行,这是调度器吞吐量的关键。
func (sched *Scheduler) scheduleOne(ctx context.Context) {
	key, quit := sched.queue.Get()
	if quit {
		return
	}
	defer sched.queue.Done(key)
	item, exists, _ := sched.podLister.GetByKey(key.(string))
	if !exists {
		return
	}
	pod := item.(*corev1.Pod)
	start := time.Now()
	result, err := sched.schedulePod(ctx, pod)
	if err != nil {
		log.Printf("Unable to schedule pod %s/%s: %v; retrying", pod.Namespace, pod.Name, err)
		go func() {
			time.Sleep(time.Second)
			sched.queue.Add(key)
		}()
		return
	}
	go func() {
		if err := sched.bind(ctx, pod, result.SuggestedHost); err != nil {
			log.Printf("Error binding pod %s/%s: %v", pod.Namespace, pod.Name, err)
			sched.queue.Add(key)
			return
		}
		log.Printf("Successfully assigned %s/%s to %s (%d/%d nodes feasible, %v)",
			pod.Namespace, pod.Name, result.SuggestedHost, result.FeasibleNodes, result.EvaluatedNodes, time.Since(start))
	}()
}

// schedulePod filters, scores and picks a host.
func (sched *Scheduler) schedulePod(ctx context.Context, pod *corev1.Pod) (ScheduleResult, error) {
	nodeInfos := sched.snapshot()
	if len(nodeInfos) == 0 {
		return ScheduleResult{}, fmt.Errorf("no nodes available to schedule pods")
	}
	feasible, diagnosis := sched.findNodesThatFitPod(ctx, pod, nodeInfos)
	if len(feasible) == 0 {
		return ScheduleResult{}, &FitError{Pod: pod, NumAllNodes: len(nodeInfos), Diagnosis: diagnosis}
	}
	if len(feasible) == 1 {
		return ScheduleResult{SuggestedHost: feasible[0].Node().Name, EvaluatedNodes: len(nodeInfos), FeasibleNodes: 1}, nil
	}
	host := selectHost(sched.prioritizeNodes(ctx, pod, feasible))
	return ScheduleResult{SuggestedHost: host, EvaluatedNodes: len(nodeInfos), FeasibleNodes: len(feasible)}, nil
}

// snapshot builds a NodeInfo per node from the caches, at the start of each cycle.
func (sched *Scheduler) snapshot() []*framework.NodeInfo {
	byNode := map[string]*framework.NodeInfo{}
	var infos []*framework.NodeInfo
	for _, obj := range sched.nodeLister.List() {
		node := obj.(*corev1.Node)
		if node.Spec.Unschedulable {
			continue
		}
		info := framework.NewNodeInfo(node)
		byNode[node.Name] = info
		infos = append(infos, info)
	}
	for _, obj := range sched.podLister.List() {
		pod := obj.(*corev1.Pod)
		if info, ok := byNode[pod.Spec.NodeName]; ok {
			info.AddPod(pod)
		}
	}
	return infos
}

func (sched *Scheduler) findNodesThatFitPod(ctx context.Context, pod *corev1.Pod, nodeInfos []*framework.NodeInfo) ([]*framework.NodeInfo, map[string]*framework.Status) {
	var feasible []*framework.NodeInfo
	diagnosis := map[string]*framework.Status{}
	for _, info := range nodeInfos {
		fits := true
		for _, plugin := range sched.filters {
			if status := plugin.Filter(ctx, pod, info); !status.IsSuccess() {
				diagnosis[info.Node().Name] = status
				fits = false
				break
			}
		}
		if fits {
			feasible = append(feasible, info)
		}
	}
	return feasible, diagnosis
}

type nodeScore struct {
	Name  string
	Score int64
}

func (sched *Scheduler) prioritizeNodes(ctx context.Context, pod *corev1.Pod, nodeInfos []*framework.NodeInfo) []nodeScore {
	scores := make([]nodeScore, 0, len(nodeInfos))
	for _, info := range nodeInfos {
		var total int64
		for _, plugin := range sched.scorers {
			score, status := plugin.Score(ctx, pod, info)
			if status.IsSuccess() {
				total += score
			}
		}
		scores = append(scores, nodeScore{Name: info.Node().Name, Score: total})
	}
	return scores
}

// selectHost takes the best score; ties go to the first name, to stay deterministic.
func selectHost(scores []nodeScore) string {
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].Score != scores[j].Score {
			return scores[i].Score > scores[j].Score
		}
		return scores[i].Name < scores[j].Name
	})
	return scores[0].Name
}

// bind POSTs a Binding to pods/<name>/binding; the API server then sets spec.nodeName.
func (sched *Scheduler) bind(ctx context.Context, pod *corev1.Pod, nodeName string) error {
	binding := &corev1.Binding{
		TypeMeta:   metav1.TypeMeta{Kind: "Binding", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: nodeName},
	}
	return sched.client.Post().Namespace(pod.Namespace).Resource("pods").Name(pod.Name).
		SubResource("binding").Body(binding).Do(ctx).Error()
}

// FitError says why no node fits, in the form `kubectl describe pod` shows.
type FitError struct {
	Pod         *corev1.Pod
	NumAllNodes int
	Diagnosis   map[string]*framework.Status
}

// Error reads like "0/3 nodes are available: 3 Insufficient cpu.".
func (f *FitError) Error() string {
	counts := map[string]int{}
	for _, status := range f.Diagnosis {
		counts[status.Message()]++
	}
	reasons := make([]string, 0, len(counts))
	for reason, n := range counts {
		reasons = append(reasons, fmt.Sprintf("%d %s", n, reason))
	}
	sort.Strings(reasons)
	return fmt.Sprintf("0/%d nodes are available: %s.", f.NumAllNodes, strings.Join(reasons, ", "))
}
