// Package deployment is the deployment controller: it turns a Deployment into ReplicaSets
// and keeps the Deployment's status. Written for k8sread's demo tree.
package deployment

import (
	"context"
	"log"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/kubernetes/pkg/controller"
)

// DeploymentController watches Deployments and ReplicaSets and reconciles one key at a time.
type DeploymentController struct {
	client *rest.RESTClient

	dLister  cache.Store
	rsLister cache.Store

	dListerSynced  cache.InformerSynced
	rsListerSynced cache.InformerSynced

	// syncHandler is a field so tests can replace it and look at what gets queued.
	syncHandler func(ctx context.Context, key string) error
	queue       workqueue.Interface
}

// NewDeploymentController wires the informers' events to the queue.
// 事件处理函数只做一件事:算出 Deployment 的 key 放进队列;真正的工作都在 syncDeployment 里。
func NewDeploymentController(dInformer, rsInformer cache.SharedIndexInformer, client *rest.RESTClient) *DeploymentController {
	dc := &DeploymentController{
		client:         client,
		dLister:        dInformer.GetStore(),
		rsLister:       rsInformer.GetStore(),
		dListerSynced:  dInformer.HasSynced,
		rsListerSynced: rsInformer.HasSynced,
		queue:          workqueue.New(),
	}
	dInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    dc.addDeployment,
		UpdateFunc: dc.updateDeployment,
	})
	rsInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: dc.addReplicaSet,
		UpdateFunc: func(oldObj, newObj metav1.Object) {
			dc.addReplicaSet(newObj)
		},
	})
	dc.syncHandler = dc.syncDeployment
	return dc
}

func (dc *DeploymentController) addDeployment(obj metav1.Object) {
	d := obj.(*appsv1.Deployment)
	log.Printf("Adding deployment %s/%s", d.Namespace, d.Name)
	dc.enqueue(d)
}

func (dc *DeploymentController) updateDeployment(oldObj, newObj metav1.Object) {
	dc.enqueue(newObj.(*appsv1.Deployment))
}

// addReplicaSet wakes the owning Deployment, found through the controller reference.
func (dc *DeploymentController) addReplicaSet(obj metav1.Object) {
	rs := obj.(*appsv1.ReplicaSet)
	for _, ref := range rs.OwnerReferences {
		if ref.Kind != "Deployment" || ref.Controller == nil || !*ref.Controller {
			continue
		}
		item, exists, _ := dc.dLister.GetByKey(rs.Namespace + "/" + ref.Name)
		if exists && item.GetObjectMeta().UID == ref.UID {
			dc.enqueue(item.(*appsv1.Deployment))
		}
	}
}

func (dc *DeploymentController) enqueue(d *appsv1.Deployment) {
	key, err := controller.KeyFunc(d)
	if err != nil {
		log.Printf("couldn't get key for %s: %v", d.Name, err)
		return
	}
	dc.queue.Add(key)
}

// Run starts workers once both caches are filled, and blocks until ctx is done.
func (dc *DeploymentController) Run(ctx context.Context, workers int) {
	defer dc.queue.ShutDown()
	log.Printf("Starting deployment controller")
	if !cache.WaitForCacheSync(ctx.Done(), dc.dListerSynced, dc.rsListerSynced) {
		return
	}
	for i := 0; i < workers; i++ {
		go dc.worker(ctx)
	}
	<-ctx.Done()
}

func (dc *DeploymentController) worker(ctx context.Context) {
	for dc.processNextWorkItem(ctx) {
	}
}

func (dc *DeploymentController) processNextWorkItem(ctx context.Context) bool {
	key, quit := dc.queue.Get()
	if quit {
		return false
	}
	defer dc.queue.Done(key)
	if err := dc.syncHandler(ctx, key.(string)); err != nil {
		log.Printf("Error syncing deployment %v: %v", key, err)
		// Try again later: a real queue would rate-limit this.
		go func() {
			time.Sleep(time.Second)
			dc.queue.Add(key)
		}()
	}
	return true
}

// syncDeployment reconciles one Deployment, named by key.
// 控制器的核心:从缓存里取出 Deployment 和它的 ReplicaSet,比较期望与现实,再由 sync 补上差距。
func (dc *DeploymentController) syncDeployment(ctx context.Context, key string) error {
	startTime := time.Now()
	defer func() {
		log.Printf("Finished syncing deployment %q (%v)", key, time.Since(startTime))
	}()
	item, exists, err := dc.dLister.GetByKey(key)
	if err != nil {
		return err
	}
	if !exists {
		log.Printf("Deployment %v has been deleted", key)
		return nil
	}
	d := item.(*appsv1.Deployment)
	rsList := dc.getReplicaSetsForDeployment(d)
	return dc.sync(ctx, d, rsList)
}

// getReplicaSetsForDeployment returns the ReplicaSets this Deployment controls.
func (dc *DeploymentController) getReplicaSetsForDeployment(d *appsv1.Deployment) []*appsv1.ReplicaSet {
	var owned []*appsv1.ReplicaSet
	for _, item := range dc.rsLister.List() {
		rs := item.(*appsv1.ReplicaSet)
		if rs.Namespace == d.Namespace && rs.IsControlledBy(d.UID) {
			owned = append(owned, rs)
		}
	}
	return owned
}
