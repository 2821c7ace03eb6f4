// kubelet is the agent on every node. Written for k8sread's demo tree: it runs pods on an
// in-memory fake runtime, as the miniature has no containerd to talk to.
package main

import (
	"flag"
	"log"
	"os"

	"k8s.io/client-go/rest"
	"k8s.io/cri-api/pkg/apis"
	fakeremote "k8s.io/cri-api/pkg/apis/testing"
	"k8s.io/kubernetes/pkg/kubelet"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
)

var (
	master           = flag.String("master", "http://127.0.0.1:8080", "address of the API server")
	hostnameOverride = flag.String("hostname-override", "", "node name to use instead of the hostname")
)

// main builds runtime -> runtime manager -> kubelet, then feeds it pods from the API server.
// 节点名决定了 kubelet 会认领哪些 Pod:它只 watch spec.nodeName 等于这个名字的 Pod。
func main() {
	flag.Parse()
	nodeName := *hostnameOverride
	if nodeName == "" {
		hostname, err := os.Hostname()
		if err != nil {
			log.Fatal(err)
		}
		nodeName = hostname
	}

	client, err := rest.RESTClientFor(&rest.Config{Host: *master, APIPath: "/api/v1"})
	if err != nil {
		log.Fatal(err)
	}
	fake := fakeremote.NewFakeRuntimeService()
	var runtimeService cri.RuntimeService = fake
	runtime, err := kuberuntime.NewKubeGenericRuntimeManager(runtimeService, fake)
	if err != nil {
		log.Fatal(err)
	}
	kl := kubelet.NewMainKubelet(nodeName, client, runtime)

	updates := make(chan kubelet.PodUpdate, 50)
	source := kubelet.NewSourceApiserver(client, nodeName, updates)
	go source.Run(make(chan struct{}))
	kl.Run(updates)
}
