// kube-controller-manager runs the built-in controllers in one process.
// Written for k8sread's demo tree: the miniature runs the deployment and replicaset ones.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/kubernetes/pkg/controller"
	"k8s.io/kubernetes/pkg/controller/deployment"
	"k8s.io/kubernetes/pkg/controller/replicaset"
)

var (
	master                = flag.String("master", "http://127.0.0.1:8080", "address of the API server")
	concurrentDeploySyncs = flag.Int("concurrent-deployment-syncs", 5, "deployments synced at once")
	concurrentRSSyncs     = flag.Int("concurrent-replicaset-syncs", 5, "replica sets synced at once")
)

// main starts shared informers, then one goroutine per controller.
// 所有控制器共用同一组 informer:ReplicaSet 的 informer 同时喂给 deployment 和 replicaset 两个控制器。
func main() {
	flag.Parse()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()

	appsClient, err := rest.RESTClientFor(&rest.Config{Host: *master, APIPath: "/apis/apps/v1"})
	if err != nil {
		log.Fatal(err)
	}
	coreClient, err := rest.RESTClientFor(&rest.Config{Host: *master, APIPath: "/api/v1"})
	if err != nil {
		log.Fatal(err)
	}

	dInformer := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(appsClient, "deployments", metav1.NamespaceAll, "",
		func() metav1.Object { return &appsv1.Deployment{} }), 0)
	rsInformer := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(appsClient, "replicasets", metav1.NamespaceAll, "",
		func() metav1.Object { return &appsv1.ReplicaSet{} }), 0)
	podInformer := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(coreClient, "pods", metav1.NamespaceAll, "",
		func() metav1.Object { return &corev1.Pod{} }), 0)

	dc := deployment.NewDeploymentController(dInformer, rsInformer, appsClient)
	rsc := replicaset.NewReplicaSetController(rsInformer, podInformer, controller.RealPodControl{Client: coreClient})

	for _, informer := range []cache.SharedIndexInformer{dInformer, rsInformer, podInformer} {
		go informer.Run(ctx.Done())
	}
	go dc.Run(ctx, *concurrentDeploySyncs)
	go rsc.Run(ctx, *concurrentRSSyncs)
	<-ctx.Done()
}
