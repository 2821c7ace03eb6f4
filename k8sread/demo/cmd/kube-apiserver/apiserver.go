// kube-apiserver serves the Kubernetes API and is the only component that talks to etcd.
// Written for k8sread's demo tree: the miniature installs one resource, deployments.
package main

import (
	"flag"
	"log"
	"net/http"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/endpoints/handlers"
	"k8s.io/apiserver/pkg/storage/etcd3"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	deploymentstore "k8s.io/kubernetes/pkg/registry/apps/deployment/storage"
)

var (
	bindAddress = flag.String("bind-address", "127.0.0.1:8080", "address to serve the API on")
	etcdPrefix  = flag.String("etcd-prefix", "/registry", "prefix of every key in etcd")
)

// main wires storage -> registry -> handler -> HTTP mux, then serves.
// 组装顺序自下而上:先有存储(etcd3),再有注册表(REST),再有处理 HTTP 请求的 handler。
func main() {
	flag.Parse()

	storage := etcd3.New(*etcdPrefix)
	deployments := deploymentstore.NewREST(storage)

	mux := http.NewServeMux()
	scope := &handlers.RequestScope{
		Resource:  "deployments",
		New:       func() metav1.Object { return &appsv1.Deployment{} },
		Defaulter: deployment.SetDefaults,
	}
	mux.Handle("/apis/apps/v1/namespaces/", handlers.ByMethod(map[string]http.Handler{
		http.MethodPost: handlers.CreateResource(deployments.Store, scope),
		http.MethodGet:  handlers.GetResource(deployments.Store, scope),
	}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})

	log.Printf("Serving the API on %s", *bindAddress)
	log.Fatal(http.ListenAndServe(*bindAddress, mux))
}
