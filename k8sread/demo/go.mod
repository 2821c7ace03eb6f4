// An original miniature written for k8sread: the shape of Kubernetes' go.mod, not its content.

module k8s.io/kubernetes

go 1.16

require (
	github.com/spf13/cobra v1.1.3
	k8s.io/api v0.0.0
	k8s.io/apimachinery v0.0.0
	k8s.io/apiserver v0.0.0
	k8s.io/client-go v0.0.0
	k8s.io/cri-api v0.0.0
	k8s.io/kubectl v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/apimachinery => ./staging/src/k8s.io/apimachinery
	k8s.io/apiserver => ./staging/src/k8s.io/apiserver
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/cri-api => ./staging/src/k8s.io/cri-api
	k8s.io/kubectl => ./staging/src/k8s.io/kubectl
)
