// Package noderesources holds the plugin that checks a pod's requests against what a node
// has left, and scores nodes by how much would stay free.
package noderesources

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// FitName is the name of the plugin in scheduler configurations.
const FitName = "NodeResourcesFit"

// Fit is both a filter and a scorer.
type Fit struct {
	// ignorePods turns off the pod-count check; the miniature never sets it.
	ignorePods bool
}

var _ framework.FilterPlugin = &Fit{}
var _ framework.ScorePlugin = &Fit{}

// NewFit returns the plugin with its defaults.
func NewFit() *Fit { return &Fit{} }

// Name returns FitName.
func (f *Fit) Name() string { return FitName }

// InsufficientResource is one reason a pod does not fit.
type InsufficientResource struct {
	ResourceName string
	Requested    int64
	Used         int64
	Capacity     int64
}

// Filter rejects the node when requests + what is already requested exceed allocatable.
// 注意比较的是 requests 而不是实际用量:节点再空闲,requests 加起来超过 allocatable 也放不下。
func (f *Fit) Filter(ctx context.Context, pod *corev1.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	insufficient := fitsRequest(framework.PodRequests(pod), nodeInfo, f.ignorePods)
	if len(insufficient) == 0 {
		return nil
	}
	reasons := make([]string, 0, len(insufficient))
	for _, r := range insufficient {
		reasons = append(reasons, fmt.Sprintf("Insufficient %s", r.ResourceName))
	}
	return framework.NewStatus(framework.Unschedulable, reasons...)
}

func fitsRequest(podRequest corev1.ResourceList, nodeInfo *framework.NodeInfo, ignorePods bool) []InsufficientResource {
	allocatable := nodeInfo.Node().Status.Allocatable
	used := nodeInfo.Requested
	var out []InsufficientResource
	check := func(name string, requested, used, capacity int64) {
		if requested > 0 && requested > capacity-used {
			out = append(out, InsufficientResource{ResourceName: name, Requested: requested, Used: used, Capacity: capacity})
		}
	}
	if !ignorePods {
		check("pods", 1, used.Pods, allocatable.Pods)
	}
	check("cpu", podRequest.MilliCPU, used.MilliCPU, allocatable.MilliCPU)
	check("memory", podRequest.Memory, used.Memory, allocatable.Memory)
	return out
}

// Score prefers the node with the most room left after placing the pod (least allocated),
// averaging cpu and memory.
func (f *Fit) Score(ctx context.Context, pod *corev1.Pod, nodeInfo *framework.NodeInfo) (int64, *framework.Status) {
	requested := nodeInfo.Requested.Add(framework.PodRequests(pod))
	allocatable := nodeInfo.Node().Status.Allocatable
	score := (leastRequested(requested.MilliCPU, allocatable.MilliCPU) + leastRequested(requested.Memory, allocatable.Memory)) / 2
	return score, nil
}

func leastRequested(requested, capacity int64) int64 {
	if capacity == 0 || requested > capacity {
		return 0
	}
	return (capacity - requested) * framework.MaxNodeScore / capacity
}
