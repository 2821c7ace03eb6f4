// kube-proxy makes Service IPs work on every node. Written for k8sread's demo tree: the
// miniature has the iptables mode only.
package main

import (
	"flag"
	"log"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/kubernetes/pkg/proxy/iptables"
)

var (
	master     = flag.String("master", "http://127.0.0.1:8080", "address of the API server")
	syncPeriod = flag.Duration("iptables-sync-period", 30*time.Second, "how often rules are rewritten")
)

// main connects the Service and Endpoints informers to the proxier, then loops forever.
// kube-proxy 不转发任何流量:它只是把 Service 和 Endpoints 翻译成 iptables 规则,真正转发的是内核。
func main() {
	flag.Parse()
	hostname, _ := os.Hostname()
	client, err := rest.RESTClientFor(&rest.Config{Host: *master, APIPath: "/api/v1"})
	if err != nil {
		log.Fatal(err)
	}
	proxier := iptables.NewProxier(hostname, iptables.ExecRestore, *syncPeriod)

	services := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(client, "services", metav1.NamespaceAll, "",
		func() metav1.Object { return &corev1.Service{} }), 0)
	services.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj metav1.Object) { proxier.OnServiceAdd(obj.(*corev1.Service)) },
		UpdateFunc: func(old, cur metav1.Object) { proxier.OnServiceUpdate(old.(*corev1.Service), cur.(*corev1.Service)) },
		DeleteFunc: func(obj metav1.Object) { proxier.OnServiceDelete(obj.(*corev1.Service)) },
	})
	endpoints := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(client, "endpoints", metav1.NamespaceAll, "",
		func() metav1.Object { return &corev1.Endpoints{} }), 0)
	endpoints.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj metav1.Object) { proxier.OnEndpointsAdd(obj.(*corev1.Endpoints)) },
		UpdateFunc: func(old, cur metav1.Object) {
			proxier.OnEndpointsUpdate(old.(*corev1.Endpoints), cur.(*corev1.Endpoints))
		},
		DeleteFunc: func(obj metav1.Object) { proxier.OnEndpointsDelete(obj.(*corev1.Endpoints)) },
	})

	stop := make(chan struct{})
	go services.Run(stop)
	go endpoints.Run(stop)
	if cache.WaitForCacheSync(stop, services.HasSynced, endpoints.HasSynced) {
		proxier.Sync()
	}
	proxier.SyncLoop()
}
