// Package cri is the Container Runtime Interface as the kubelet sees it: the calls it makes
// to containerd or CRI-O over gRPC. Written for k8sread's demo tree; note that the package
// is named cri while its folder is apis.
package cri

import "context"

// RuntimeService manages pod sandboxes and containers.
// 一个 Pod 在运行时里是一个"沙箱"(共享网络命名空间的 pause 容器)加上若干业务容器。
type RuntimeService interface {
	Version(ctx context.Context, apiVersion string) (string, error)

	RunPodSandbox(ctx context.Context, config *PodSandboxConfig, runtimeHandler string) (string, error)
	StopPodSandbox(ctx context.Context, podSandboxID string) error
	ListPodSandbox(ctx context.Context) ([]*PodSandbox, error)

	CreateContainer(ctx context.Context, podSandboxID string, config *ContainerConfig, sandboxConfig *PodSandboxConfig) (string, error)
	StartContainer(ctx context.Context, containerID string) error
	ListContainers(ctx context.Context, podSandboxID string) ([]*Container, error)
}

// ImageManagerService pulls and lists images.
type ImageManagerService interface {
	PullImage(ctx context.Context, image string) (imageRef string, err error)
	ImageStatus(ctx context.Context, image string) (present bool, err error)
}

// PodSandboxMetadata names a sandbox; Attempt grows each time the sandbox is recreated.
type PodSandboxMetadata struct {
	Name      string
	Uid       string
	Namespace string
	Attempt   uint32
}

// PodSandboxConfig is everything the runtime needs to create a sandbox.
type PodSandboxConfig struct {
	Metadata     *PodSandboxMetadata
	Hostname     string
	LogDirectory string
	Labels       map[string]string
}

// PodSandboxState is READY or NOTREADY.
type PodSandboxState int32

const (
	SANDBOX_READY    PodSandboxState = 0
	SANDBOX_NOTREADY PodSandboxState = 1
)

// PodSandbox is one sandbox as listed by the runtime.
type PodSandbox struct {
	Id       string
	Metadata *PodSandboxMetadata
	State    PodSandboxState
}

// ContainerMetadata names a container inside its sandbox.
type ContainerMetadata struct {
	Name    string
	Attempt uint32
}

// KeyValue is one environment variable.
type KeyValue struct {
	Key   string
	Value string
}

// LinuxContainerResources is how requests and limits reach cgroups.
type LinuxContainerResources struct {
	CpuShares          int64
	CpuQuota           int64
	MemoryLimitInBytes int64
}

// ContainerConfig is everything the runtime needs to create a container.
type ContainerConfig struct {
	Metadata  *ContainerMetadata
	Image     string
	Command   []string
	Args      []string
	Envs      []*KeyValue
	Resources *LinuxContainerResources
	Labels    map[string]string
}

// ContainerState is the life cycle of a container.
type ContainerState int32

const (
	CONTAINER_CREATED ContainerState = 0
	CONTAINER_RUNNING ContainerState = 1
	CONTAINER_EXITED  ContainerState = 2
	CONTAINER_UNKNOWN ContainerState = 3
)

// Container is one container as listed by the runtime.
type Container struct {
	Id           string
	PodSandboxId string
	Metadata     *ContainerMetadata
	Image        string
	State        ContainerState
}
