// Package v1 is the core API group in miniature: pods, nodes, services and endpoints.
// Written for k8sread's demo tree; the protobuf code for these structs is in generated.pb.go.
package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pod is the smallest thing Kubernetes runs: one or more containers sharing a network namespace.
// Pod 由 replicaset 控制器创建,由调度器填上 spec.nodeName,再由那台节点上的 kubelet 真正跑起来。
type Pod struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Spec   PodSpec   `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	Status PodStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PodSpec is the desired state of a pod.
type PodSpec struct {
	Containers         []Container `json:"containers" protobuf:"bytes,2,rep,name=containers"`
	RestartPolicy      string      `json:"restartPolicy,omitempty" protobuf:"bytes,3,opt,name=restartPolicy"`
	ServiceAccountName string      `json:"serviceAccountName,omitempty" protobuf:"bytes,8,opt,name=serviceAccountName"`
	// NodeName 为空表示还没调度;调度器通过 binding 子资源写入它,kubelet 只认领写着自己名字的 Pod。
	NodeName      string `json:"nodeName,omitempty" protobuf:"bytes,10,opt,name=nodeName"`
	HostNetwork   bool   `json:"hostNetwork,omitempty" protobuf:"varint,11,opt,name=hostNetwork"`
	SchedulerName string `json:"schedulerName,omitempty" protobuf:"bytes,19,opt,name=schedulerName"`
	Priority      int32  `json:"priority,omitempty" protobuf:"bytes,25,opt,name=priority"`
}

// PodStatus is what the kubelet reports back.
type PodStatus struct {
	Phase             string            `json:"phase,omitempty" protobuf:"bytes,1,opt,name=phase"`
	Conditions        []PodCondition    `json:"conditions,omitempty" protobuf:"bytes,2,rep,name=conditions"`
	HostIP            string            `json:"hostIP,omitempty" protobuf:"bytes,5,opt,name=hostIP"`
	PodIP             string            `json:"podIP,omitempty" protobuf:"bytes,6,opt,name=podIP"`
	ContainerStatuses []ContainerStatus `json:"containerStatuses,omitempty" protobuf:"bytes,8,rep,name=containerStatuses"`
}

// PodCondition is one line of `kubectl describe pod`'s Conditions table.
type PodCondition struct {
	Type    string `json:"type" protobuf:"bytes,1,opt,name=type"`
	Status  string `json:"status" protobuf:"bytes,2,opt,name=status"`
	Reason  string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// PodTemplateSpec is the pod a Deployment or ReplicaSet stamps out.
type PodTemplateSpec struct {
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Spec PodSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// Container is one image to run, e.g. docker.io/nginx:latest listening on port 80.
type Container struct {
	Name            string               `json:"name" protobuf:"bytes,1,opt,name=name"`
	Image           string               `json:"image,omitempty" protobuf:"bytes,2,opt,name=image"`
	Command         []string             `json:"command,omitempty" protobuf:"bytes,3,rep,name=command"`
	Args            []string             `json:"args,omitempty" protobuf:"bytes,4,rep,name=args"`
	Ports           []ContainerPort      `json:"ports,omitempty" protobuf:"bytes,6,rep,name=ports"`
	Env             []EnvVar             `json:"env,omitempty" protobuf:"bytes,7,rep,name=env"`
	Resources       ResourceRequirements `json:"resources,omitempty" protobuf:"bytes,8,opt,name=resources"`
	ImagePullPolicy string               `json:"imagePullPolicy,omitempty" protobuf:"bytes,14,opt,name=imagePullPolicy"`
}

// ContainerPort is informational; kube-proxy routes to endpoint ports, not to these.
type ContainerPort struct {
	Name          string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	HostPort      int32  `json:"hostPort,omitempty" protobuf:"varint,2,opt,name=hostPort"`
	ContainerPort int32  `json:"containerPort" protobuf:"varint,3,opt,name=containerPort"`
	Protocol      string `json:"protocol,omitempty" protobuf:"bytes,4,opt,name=protocol"`
}

// EnvVar is one environment variable of a container.
type EnvVar struct {
	Name  string `json:"name" protobuf:"bytes,1,opt,name=name"`
	Value string `json:"value,omitempty" protobuf:"bytes,2,opt,name=value"`
}

// ResourceList is a fixed set of quantities.
// 真实的 ResourceList 是 map[ResourceName]resource.Quantity;迷你版简化成三个整数:
// MilliCPU 以千分之一核为单位(cpu: 100m 就是 100),Memory 以字节为单位(100Mi 就是 104857600)。
type ResourceList struct {
	MilliCPU int64 `json:"cpu,omitempty" protobuf:"varint,1,opt,name=cpu"`
	Memory   int64 `json:"memory,omitempty" protobuf:"varint,2,opt,name=memory"`
	Pods     int64 `json:"pods,omitempty" protobuf:"varint,3,opt,name=pods"`
}

// ResourceRequirements: the scheduler reserves Requests; the runtime enforces Limits.
type ResourceRequirements struct {
	Limits   ResourceList `json:"limits,omitempty" protobuf:"bytes,1,opt,name=limits"`
	Requests ResourceList `json:"requests,omitempty" protobuf:"bytes,2,opt,name=requests"`
}

// Add returns the sum of two lists; a value receiver because lists are small and copied.
func (r ResourceList) Add(other ResourceList) ResourceList {
	return ResourceList{
		MilliCPU: r.MilliCPU + other.MilliCPU,
		Memory:   r.Memory + other.Memory,
		Pods:     r.Pods + other.Pods,
	}
}

// Fits reports whether r fits into the room left in free.
func (r ResourceList) Fits(free ResourceList) bool {
	return r.MilliCPU <= free.MilliCPU && r.Memory <= free.Memory && r.Pods <= free.Pods
}

// ContainerStatus is the kubelet's view of one container.
type ContainerStatus struct {
	Name         string `json:"name" protobuf:"bytes,1,opt,name=name"`
	Ready        bool   `json:"ready" protobuf:"varint,4,opt,name=ready"`
	RestartCount int32  `json:"restartCount" protobuf:"varint,5,opt,name=restartCount"`
	Image        string `json:"image" protobuf:"bytes,6,opt,name=image"`
	ContainerID  string `json:"containerID,omitempty" protobuf:"bytes,8,opt,name=containerID"`
	Started      bool   `json:"started,omitempty" protobuf:"varint,9,opt,name=started"`
}

// Node is a machine the scheduler can place pods on.
type Node struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Spec   NodeSpec   `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	Status NodeStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// NodeSpec is set when the node registers.
type NodeSpec struct {
	PodCIDR       string `json:"podCIDR,omitempty" protobuf:"bytes,1,opt,name=podCIDR"`
	ProviderID    string `json:"providerID,omitempty" protobuf:"bytes,3,opt,name=providerID"`
	Unschedulable bool   `json:"unschedulable,omitempty" protobuf:"varint,4,opt,name=unschedulable"`
}

// NodeStatus: Allocatable is Capacity minus what the system keeps for itself.
type NodeStatus struct {
	Capacity    ResourceList    `json:"capacity,omitempty" protobuf:"bytes,1,opt,name=capacity"`
	Allocatable ResourceList    `json:"allocatable,omitempty" protobuf:"bytes,2,opt,name=allocatable"`
	Conditions  []NodeCondition `json:"conditions,omitempty" protobuf:"bytes,4,rep,name=conditions"`
	Addresses   []NodeAddress   `json:"addresses,omitempty" protobuf:"bytes,5,rep,name=addresses"`
}

// NodeCondition, e.g. Ready=True, is refreshed by the kubelet's heartbeat.
type NodeCondition struct {
	Type    string `json:"type" protobuf:"bytes,1,opt,name=type"`
	Status  string `json:"status" protobuf:"bytes,2,opt,name=status"`
	Reason  string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// NodeAddress is one address of a node (InternalIP, Hostname, ...).
type NodeAddress struct {
	Type    string `json:"type" protobuf:"bytes,1,opt,name=type"`
	Address string `json:"address" protobuf:"bytes,2,opt,name=address"`
}

// Binding is what the scheduler POSTs to pods/<name>/binding to place a pod.
type Binding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Target ObjectReference `json:"target" protobuf:"bytes,2,opt,name=target"`
}

// ObjectReference points at another object, e.g. the node of a Binding.
type ObjectReference struct {
	Kind            string `json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"`
	Namespace       string `json:"namespace,omitempty" protobuf:"bytes,2,opt,name=namespace"`
	Name            string `json:"name,omitempty" protobuf:"bytes,3,opt,name=name"`
	UID             string `json:"uid,omitempty" protobuf:"bytes,4,opt,name=uid"`
	APIVersion      string `json:"apiVersion,omitempty" protobuf:"bytes,5,opt,name=apiVersion"`
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,6,opt,name=resourceVersion"`
	FieldPath       string `json:"fieldPath,omitempty" protobuf:"bytes,7,opt,name=fieldPath"`
}

// Event records something that happened to an object, e.g. "Scheduled".
type Event struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata" protobuf:"bytes,1,opt,name=metadata"`

	InvolvedObject ObjectReference `json:"involvedObject" protobuf:"bytes,2,opt,name=involvedObject"`
	Reason         string          `json:"reason,omitempty" protobuf:"bytes,3,opt,name=reason"`
	Message        string          `json:"message,omitempty" protobuf:"bytes,4,opt,name=message"`
	Count          int32           `json:"count,omitempty" protobuf:"varint,6,opt,name=count"`
	Type           string          `json:"type,omitempty" protobuf:"bytes,9,opt,name=type"`
}

// Service gives a stable virtual IP to a changing set of pods.
type Service struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Spec ServiceSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// ServiceSpec: ClusterIP is the virtual IP kube-proxy programs.
type ServiceSpec struct {
	Ports           []ServicePort `json:"ports,omitempty" protobuf:"bytes,1,rep,name=ports"`
	ClusterIP       string        `json:"clusterIP,omitempty" protobuf:"bytes,3,opt,name=clusterIP"`
	Type            string        `json:"type,omitempty" protobuf:"bytes,4,opt,name=type"`
	SessionAffinity string        `json:"sessionAffinity,omitempty" protobuf:"bytes,7,opt,name=sessionAffinity"`
}

// ServicePort maps Port on the ClusterIP to TargetPort on each pod.
type ServicePort struct {
	Name       string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	Protocol   string `json:"protocol,omitempty" protobuf:"bytes,2,opt,name=protocol"`
	Port       int32  `json:"port" protobuf:"varint,3,opt,name=port"`
	TargetPort int32  `json:"targetPort,omitempty" protobuf:"varint,4,opt,name=targetPort"`
	NodePort   int32  `json:"nodePort,omitempty" protobuf:"varint,5,opt,name=nodePort"`
}

// Endpoints lists the ready pod IPs behind a Service; the endpoints controller keeps it.
type Endpoints struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Subsets []EndpointSubset `json:"subsets,omitempty" protobuf:"bytes,2,rep,name=subsets"`
}

// EndpointSubset is a set of addresses that share the same ports.
type EndpointSubset struct {
	Addresses         []EndpointAddress `json:"addresses,omitempty" protobuf:"bytes,1,rep,name=addresses"`
	NotReadyAddresses []EndpointAddress `json:"notReadyAddresses,omitempty" protobuf:"bytes,2,rep,name=notReadyAddresses"`
	Ports             []EndpointPort    `json:"ports,omitempty" protobuf:"bytes,3,rep,name=ports"`
}

// EndpointAddress is one pod IP.
type EndpointAddress struct {
	IP       string `json:"ip" protobuf:"bytes,1,opt,name=ip"`
	Hostname string `json:"hostname,omitempty" protobuf:"bytes,3,opt,name=hostname"`
	NodeName string `json:"nodeName,omitempty" protobuf:"bytes,4,opt,name=nodeName"`
}

// EndpointPort is one port of the pods behind a Service.
type EndpointPort struct {
	Name     string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	Port     int32  `json:"port" protobuf:"varint,2,opt,name=port"`
	Protocol string `json:"protocol,omitempty" protobuf:"bytes,3,opt,name=protocol"`
}

// Pod phases, as the kubelet reports them.
const (
	PodPending   = "Pending"
	PodRunning   = "Running"
	PodSucceeded = "Succeeded"
	PodFailed    = "Failed"
)

const (
	// RestartPolicyAlways is what every pod of a Deployment gets.
	RestartPolicyAlways = "Always"
	// ProtocolTCP is the default protocol of container and service ports.
	ProtocolTCP = "TCP"
	// ServiceTypeClusterIP is the default service type: reachable inside the cluster only.
	ServiceTypeClusterIP = "ClusterIP"
	// DefaultSchedulerName is the scheduler a pod gets when it names none.
	DefaultSchedulerName = "default-scheduler"
)
