// Package deployment holds what is special about Deployments in the API server: defaults,
// what a create may set, and validation. Written for k8sread's demo tree.
package deployment

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// deploymentStrategy has no state: a value receiver on an empty struct is all it needs.
type deploymentStrategy struct{}

// Strategy is the one instance the registry uses.
var Strategy = deploymentStrategy{}

// NamespaceScoped is true: a Deployment lives in a namespace.
func (deploymentStrategy) NamespaceScoped() bool {
	return true
}

// PrepareForCreate clears the status and starts the generation at 1.
// 用户提交的 status 一律丢掉:status 只能由控制器通过 status 子资源来写。
func (deploymentStrategy) PrepareForCreate(ctx context.Context, obj metav1.Object) {
	d := obj.(*appsv1.Deployment)
	d.Status = appsv1.DeploymentStatus{}
	d.Generation = 1
}

// Validate returns every problem found, not just the first.
func (deploymentStrategy) Validate(ctx context.Context, obj metav1.Object) []error {
	d := obj.(*appsv1.Deployment)
	var errs []error
	if d.Spec.Replicas != nil && *d.Spec.Replicas < 0 {
		errs = append(errs, fmt.Errorf("spec.replicas: must be greater than or equal to 0"))
	}
	if d.Spec.Selector == nil || len(d.Spec.Selector.MatchLabels) == 0 {
		errs = append(errs, fmt.Errorf("spec.selector: Required value"))
	} else if !d.Spec.Selector.Matches(d.Spec.Template.Labels) {
		errs = append(errs, fmt.Errorf("spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"))
	}
	if len(d.Spec.Template.Spec.Containers) == 0 {
		errs = append(errs, fmt.Errorf("spec.template.spec.containers: Required value"))
	}
	return errs
}

// SetDefaults fills what the user left out. The real defaults live with the versioned types
// and run while decoding; the miniature runs them from the create handler.
func SetDefaults(obj metav1.Object) {
	d, ok := obj.(*appsv1.Deployment)
	if !ok {
		return
	}
	if d.Spec.Replicas == nil {
		one := int32(1)
		d.Spec.Replicas = &one
	}
	if d.Spec.Strategy.Type == "" {
		d.Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if d.Spec.RevisionHistoryLimit == nil {
		ten := int32(10)
		d.Spec.RevisionHistoryLimit = &ten
	}
	for i := range d.Spec.Template.Spec.Containers {
		c := &d.Spec.Template.Spec.Containers[i]
		if c.ImagePullPolicy == "" {
			c.ImagePullPolicy = "Always" // the :latest tag means "always pull"
		}
	}
	if d.Spec.Template.Spec.RestartPolicy == "" {
		d.Spec.Template.Spec.RestartPolicy = "Always"
	}
}
