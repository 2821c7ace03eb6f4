// Package v1 holds the metadata every object carries. Written for k8sread's demo tree as an
// original miniature of k8s.io/apimachinery/pkg/apis/meta/v1.
package v1

// Object is what storage, informers and controllers can handle without knowing the kind.
// 所有资源都实现这个接口:存储层、informer 和控制器只认它,不关心具体是哪种资源。
type Object interface {
	GetObjectMeta() *ObjectMeta
	GetObjectKind() *TypeMeta
}

// TypeMeta says what an object is: apiVersion and kind, as in the YAML.
type TypeMeta struct {
	Kind       string `json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"`
	APIVersion string `json:"apiVersion,omitempty" protobuf:"bytes,2,opt,name=apiVersion"`
}

// ObjectMeta is the `metadata:` block of every object.
type ObjectMeta struct {
	Name      string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,2,opt,name=namespace"`
	UID       string `json:"uid,omitempty" protobuf:"bytes,3,opt,name=uid"`
	// ResourceVersion 由存储层填写,是 etcd 的 revision;客户端只把它当作不透明的字符串。
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,4,opt,name=resourceVersion"`
	// Generation 在 spec 每次变化时加一,控制器用它判断自己是否看到了最新的期望状态。
	Generation      int64             `json:"generation,omitempty" protobuf:"varint,5,opt,name=generation"`
	Labels          map[string]string `json:"labels,omitempty" protobuf:"bytes,6,rep,name=labels"`
	Annotations     map[string]string `json:"annotations,omitempty" protobuf:"bytes,7,rep,name=annotations"`
	OwnerReferences []OwnerReference  `json:"ownerReferences,omitempty" protobuf:"bytes,8,rep,name=ownerReferences"`
}

// OwnerReference ties a ReplicaSet to its Deployment and a Pod to its ReplicaSet; the garbage
// collector deletes the children when the owner goes.
type OwnerReference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	UID        string `json:"uid"`
	Controller *bool  `json:"controller,omitempty"`
}

// LabelSelector picks objects by labels; the miniature only knows matchLabels.
type LabelSelector struct {
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

// Matches is a value-receiver method: a selector is small and never changed by matching.
func (s LabelSelector) Matches(labels map[string]string) bool {
	for key, want := range s.MatchLabels {
		if labels[key] != want {
			return false
		}
	}
	return true
}

// GetObjectMeta lets every type that embeds ObjectMeta satisfy Object.
func (m *ObjectMeta) GetObjectMeta() *ObjectMeta { return m }

// GetObjectKind lets every type that embeds TypeMeta satisfy Object.
func (t *TypeMeta) GetObjectKind() *TypeMeta { return t }

// IsControlledBy reports whether owner is the controller of the object with this metadata.
func (m *ObjectMeta) IsControlledBy(ownerUID string) bool {
	for _, ref := range m.OwnerReferences {
		if ref.Controller != nil && *ref.Controller && ref.UID == ownerUID {
			return true
		}
	}
	return false
}

// NewControllerRef builds the reference a controller stamps on what it creates.
func NewControllerRef(owner *ObjectMeta, apiVersion, kind string) OwnerReference {
	isController := true
	return OwnerReference{
		APIVersion: apiVersion,
		Kind:       kind,
		Name:       owner.Name,
		UID:        owner.UID,
		Controller: &isController,
	}
}

const (
	// NamespaceDefault is where objects go when the YAML names no namespace.
	NamespaceDefault = "default"
	// NamespaceAll means "every namespace" in list and watch calls.
	NamespaceAll = ""
)
