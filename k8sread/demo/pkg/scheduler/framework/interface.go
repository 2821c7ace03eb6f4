// Package framework is the scheduler's plugin contract: filters say whether a pod can go on
// a node, scorers rank the nodes that are left. Written for k8sread's demo tree.
package framework

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Code is the outcome of a plugin call.
type Code int

const (
	// Success means the plugin is happy; a nil *Status means Success too.
	Success Code = iota
	// Error is an internal failure: the pod is retried, not reported as unschedulable.
	Error
	// Unschedulable means this node cannot take the pod.
	Unschedulable
)

// MaxNodeScore is the best score a ScorePlugin may give.
const MaxNodeScore int64 = 100

// Status is what a plugin returns; the reasons end up in the pod's events.
type Status struct {
	code    Code
	reasons []string
}

// NewStatus builds a Status.
func NewStatus(code Code, reasons ...string) *Status {
	return &Status{code: code, reasons: reasons}
}

// Code works on a nil *Status, which plugins return for success.
func (s *Status) Code() Code {
	if s == nil {
		return Success
	}
	return s.code
}

func (s *Status) IsSuccess() bool { return s.Code() == Success }

// Message joins the reasons, e.g. "Insufficient cpu, Insufficient memory".
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	return strings.Join(s.reasons, ", ")
}

// Plugin is the common part of every plugin.
type Plugin interface {
	Name() string
}

// FilterPlugin removes nodes that cannot run the pod.
// 过滤插件只回答"能不能放":任何一个插件说不行,这个节点就被淘汰,不会进入打分阶段。
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, pod *corev1.Pod, nodeInfo *NodeInfo) *Status
}

// ScorePlugin ranks a node that passed every filter, from 0 to MaxNodeScore.
type ScorePlugin interface {
	Plugin
	Score(ctx context.Context, pod *corev1.Pod, nodeInfo *NodeInfo) (int64, *Status)
}

// NodeInfo is a node with what is already placed on it.
type NodeInfo struct {
	node      *corev1.Node
	Pods      []*corev1.Pod
	Requested corev1.ResourceList
}

// NewNodeInfo returns the NodeInfo of node with pods already on it.
func NewNodeInfo(node *corev1.Node, pods ...*corev1.Pod) *NodeInfo {
	ni := &NodeInfo{node: node}
	for _, pod := range pods {
		ni.AddPod(pod)
	}
	return ni
}

// Node is the node itself.
func (n *NodeInfo) Node() *corev1.Node { return n.node }

// AddPod counts pod's requests against the node.
func (n *NodeInfo) AddPod(pod *corev1.Pod) {
	n.Pods = append(n.Pods, pod)
	n.Requested = n.Requested.Add(PodRequests(pod))
}

// PodRequests is what a pod asks for: the sum over its containers, plus one pod slot.
func PodRequests(pod *corev1.Pod) corev1.ResourceList {
	total := corev1.ResourceList{Pods: 1}
	for _, c := range pod.Spec.Containers {
		total = total.Add(c.Resources.Requests)
	}
	return total
}
