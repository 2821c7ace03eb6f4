// Package testing has an in-memory CRI runtime: it records calls and keeps state in maps.
// The demo kubelet runs on it, as the miniature has no real runtime to talk to.
package testing

import (
	"context"
	"fmt"
	"sync"

	cri "k8s.io/cri-api/pkg/apis"
)

// FakeRuntimeService implements cri.RuntimeService and cri.ImageManagerService.
type FakeRuntimeService struct {
	sync.Mutex
	Called     []string
	Sandboxes  map[string]*cri.PodSandbox
	Containers map[string]*cri.Container
	Images     map[string]bool
	nextID     int
}

var _ cri.RuntimeService = &FakeRuntimeService{}
var _ cri.ImageManagerService = &FakeRuntimeService{}

// NewFakeRuntimeService returns an empty runtime.
func NewFakeRuntimeService() *FakeRuntimeService {
	return &FakeRuntimeService{
		Sandboxes:  map[string]*cri.PodSandbox{},
		Containers: map[string]*cri.Container{},
		Images:     map[string]bool{},
	}
}

func (r *FakeRuntimeService) record(call string) {
	r.Called = append(r.Called, call)
}

func (r *FakeRuntimeService) newID(prefix string) string {
	r.nextID++
	return fmt.Sprintf("%s-%04d", prefix, r.nextID)
}

func (r *FakeRuntimeService) Version(ctx context.Context, apiVersion string) (string, error) {
	r.Lock()
	defer r.Unlock()
	r.record("Version")
	return "fake-runtime 0.1.0", nil
}

func (r *FakeRuntimeService) RunPodSandbox(ctx context.Context, config *cri.PodSandboxConfig, runtimeHandler string) (string, error) {
	r.Lock()
	defer r.Unlock()
	r.record("RunPodSandbox")
	id := r.newID("sandbox")
	r.Sandboxes[id] = &cri.PodSandbox{Id: id, Metadata: config.Metadata, State: cri.SANDBOX_READY}
	return id, nil
}

func (r *FakeRuntimeService) StopPodSandbox(ctx context.Context, podSandboxID string) error {
	r.Lock()
	defer r.Unlock()
	r.record("StopPodSandbox")
	if s, ok := r.Sandboxes[podSandboxID]; ok {
		s.State = cri.SANDBOX_NOTREADY
	}
	return nil
}

func (r *FakeRuntimeService) ListPodSandbox(ctx context.Context) ([]*cri.PodSandbox, error) {
	r.Lock()
	defer r.Unlock()
	r.record("ListPodSandbox")
	out := make([]*cri.PodSandbox, 0, len(r.Sandboxes))
	for _, s := range r.Sandboxes {
		out = append(out, s)
	}
	return out, nil
}

func (r *FakeRuntimeService) CreateContainer(ctx context.Context, podSandboxID string, config *cri.ContainerConfig, sandboxConfig *cri.PodSandboxConfig) (string, error) {
	r.Lock()
	defer r.Unlock()
	r.record("CreateContainer")
	if _, ok := r.Sandboxes[podSandboxID]; !ok {
		return "", fmt.Errorf("sandbox %q not found", podSandboxID)
	}
	id := r.newID("container")
	r.Containers[id] = &cri.Container{Id: id, PodSandboxId: podSandboxID, Metadata: config.Metadata, Image: config.Image, State: cri.CONTAINER_CREATED}
	return id, nil
}

func (r *FakeRuntimeService) StartContainer(ctx context.Context, containerID string) error {
	r.Lock()
	defer r.Unlock()
	r.record("StartContainer")
	c, ok := r.Containers[containerID]
	if !ok {
		return fmt.Errorf("container %q not found", containerID)
	}
	c.State = cri.CONTAINER_RUNNING
	return nil
}

func (r *FakeRuntimeService) ListContainers(ctx context.Context, podSandboxID string) ([]*cri.Container, error) {
	r.Lock()
	defer r.Unlock()
	r.record("ListContainers")
	var out []*cri.Container
	for _, c := range r.Containers {
		if podSandboxID == "" || c.PodSandboxId == podSandboxID {
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *FakeRuntimeService) PullImage(ctx context.Context, image string) (string, error) {
	r.Lock()
	defer r.Unlock()
	r.record("PullImage")
	r.Images[image] = true
	return "sha256:" + fmt.Sprintf("%064x", len(image)), nil
}

func (r *FakeRuntimeService) ImageStatus(ctx context.Context, image string) (bool, error) {
	r.Lock()
	defer r.Unlock()
	r.record("ImageStatus")
	return r.Images[image], nil
}
