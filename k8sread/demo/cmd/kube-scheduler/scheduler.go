// kube-scheduler assigns pods to nodes. Written for k8sread's demo tree.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/kubernetes/pkg/scheduler"
)

var master = flag.String("master", "http://127.0.0.1:8080", "address of the API server")

// main watches pods and nodes and runs the scheduling loop.
func main() {
	flag.Parse()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()

	client, err := rest.RESTClientFor(&rest.Config{Host: *master, APIPath: "/api/v1"})
	if err != nil {
		log.Fatal(err)
	}
	podInformer := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(client, "pods", metav1.NamespaceAll, "",
		func() metav1.Object { return &corev1.Pod{} }), 0)
	nodeInformer := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(client, "nodes", metav1.NamespaceAll, "",
		func() metav1.Object { return &corev1.Node{} }), 0)

	sched := scheduler.New(client, podInformer, nodeInformer)
	go podInformer.Run(ctx.Done())
	go nodeInformer.Run(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), podInformer.HasSynced, nodeInformer.HasSynced) {
		log.Fatal("timed out waiting for caches to sync")
	}
	sched.Run(ctx)
}
