// Package kuberuntime turns a pod into CRI calls: one sandbox, then its containers.
// Written for k8sread's demo tree.
package kuberuntime

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	internalapi "k8s.io/cri-api/pkg/apis"
)

// KubeGenericRuntime is what the kubelet needs from a container runtime.
type KubeGenericRuntime interface {
	SyncPod(ctx context.Context, pod *corev1.Pod) PodSyncResult
}

// PodSyncResult lists what SyncPod did, for logs and events.
type PodSyncResult struct {
	SandboxID    string
	ContainerIDs []string
	Err          error
}

// Error lets callers treat a result like an error.
func (r PodSyncResult) Error() error { return r.Err }

type kubeGenericRuntimeManager struct {
	runtimeService internalapi.RuntimeService
	imageService   internalapi.ImageManagerService
	// sandboxes remembers the sandbox of each pod UID, so a second sync reuses it.
	sandboxes map[string]string
}

// NewKubeGenericRuntimeManager returns the runtime manager on top of a CRI runtime.
func NewKubeGenericRuntimeManager(runtimeService internalapi.RuntimeService, imageService internalapi.ImageManagerService) (KubeGenericRuntime, error) {
	version, err := runtimeService.Version(context.Background(), "v1")
	if err != nil {
		return nil, fmt.Errorf("get runtime version: %v", err)
	}
	log.Printf("Container runtime initialized: %s", version)
	return &kubeGenericRuntimeManager{runtimeService: runtimeService, imageService: imageService, sandboxes: map[string]string{}}, nil
}

// podActions is what computePodActions decides.
type podActions struct {
	CreateSandbox     bool
	SandboxID         string
	ContainersToStart []int
}

// SyncPod makes the runtime match the pod: create the sandbox if there is none, then
// pull, create and start every container that is not running.
// 步骤和真实代码一致:1. 计算要做的动作;4. 需要时创建沙箱;7. 逐个拉镜像、创建并启动容器。
func (m *kubeGenericRuntimeManager) SyncPod(ctx context.Context, pod *corev1.Pod) (result PodSyncResult) {
	// Step 1: compute sandbox and container changes.
	changes := m.computePodActions(pod)

	// Step 4: create a sandbox for the pod if necessary.
	podSandboxID := changes.SandboxID
	sandboxConfig := generatePodSandboxConfig(pod)
	if changes.CreateSandbox {
		id, err := m.runtimeService.RunPodSandbox(ctx, sandboxConfig, "")
		if err != nil {
			result.Err = fmt.Errorf("CreatePodSandbox for pod %q failed: %v", pod.Name, err)
			return result
		}
		podSandboxID = id
		m.sandboxes[string(pod.UID)] = id
	}
	result.SandboxID = podSandboxID

	// Step 7: start the containers in changes.ContainersToStart.
	for _, idx := range changes.ContainersToStart {
		containerID, err := m.startContainer(ctx, podSandboxID, sandboxConfig, &pod.Spec.Containers[idx])
		if err != nil {
			result.Err = err
			return result
		}
		result.ContainerIDs = append(result.ContainerIDs, containerID)
	}
	return result
}

func (m *kubeGenericRuntimeManager) computePodActions(pod *corev1.Pod) podActions {
	id, ok := m.sandboxes[string(pod.UID)]
	if !ok {
		actions := podActions{CreateSandbox: true}
		for i := range pod.Spec.Containers {
			actions.ContainersToStart = append(actions.ContainersToStart, i)
		}
		return actions
	}
	actions := podActions{SandboxID: id}
	running := map[string]bool{}
	containers, _ := m.runtimeService.ListContainers(context.Background(), id)
	for _, c := range containers {
		if c.State == internalapi.CONTAINER_RUNNING {
			running[c.Metadata.Name] = true
		}
	}
	for i, c := range pod.Spec.Containers {
		if !running[c.Name] {
			actions.ContainersToStart = append(actions.ContainersToStart, i)
		}
	}
	return actions
}

// startContainer pulls the image, creates the container and starts it.
func (m *kubeGenericRuntimeManager) startContainer(ctx context.Context, podSandboxID string, sandboxConfig *internalapi.PodSandboxConfig, container *corev1.Container) (string, error) {
	if _, err := m.imageService.PullImage(ctx, container.Image); err != nil {
		return "", fmt.Errorf("ErrImagePull: %v", err)
	}
	config := &internalapi.ContainerConfig{
		Metadata:  &internalapi.ContainerMetadata{Name: container.Name},
		Image:     container.Image,
		Command:   container.Command,
		Args:      container.Args,
		Resources: linuxResources(container.Resources),
	}
	for _, env := range container.Env {
		config.Envs = append(config.Envs, &internalapi.KeyValue{Key: env.Name, Value: env.Value})
	}
	containerID, err := m.runtimeService.CreateContainer(ctx, podSandboxID, config, sandboxConfig)
	if err != nil {
		return "", fmt.Errorf("CreateContainerError: %v", err)
	}
	if err := m.runtimeService.StartContainer(ctx, containerID); err != nil {
		return "", fmt.Errorf("RunContainerError: %v", err)
	}
	return containerID, nil
}

func generatePodSandboxConfig(pod *corev1.Pod) *internalapi.PodSandboxConfig {
	return &internalapi.PodSandboxConfig{
		Metadata: &internalapi.PodSandboxMetadata{
			Name:      pod.Name,
			Namespace: pod.Namespace,
			Uid:       string(pod.UID),
		},
		Hostname:     pod.Name,
		LogDirectory: "/var/log/pods/" + pod.Namespace + "_" + pod.Name + "_" + string(pod.UID),
		Labels:       pod.Labels,
	}
}

// linuxResources maps requests and limits to cgroup settings: cpu requests become shares
// (1024 per core), a memory limit becomes the cgroup's hard limit.
func linuxResources(r corev1.ResourceRequirements) *internalapi.LinuxContainerResources {
	const minShares = 2
	shares := r.Requests.MilliCPU * 1024 / 1000
	if shares < minShares {
		shares = minShares
	}
	return &internalapi.LinuxContainerResources{
		CpuShares:          shares,
		CpuQuota:           r.Limits.MilliCPU * 100,
		MemoryLimitInBytes: r.Limits.Memory,
	}
}
