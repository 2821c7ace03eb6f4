package cache

import (
	"context"
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// ListWatch implements ListerWatcher with two calls on a RESTClient.
type ListWatch struct {
	client        *rest.RESTClient
	resource      string
	namespace     string
	fieldSelector string
	newFunc       func() metav1.Object
}

// NewListWatchFromClient lists and watches resource in namespace ("" for all), keeping
// only objects that match fieldSelector, e.g. "spec.nodeName=node-1" for a kubelet.
func NewListWatchFromClient(c *rest.RESTClient, resource, namespace, fieldSelector string, newFunc func() metav1.Object) *ListWatch {
	return &ListWatch{client: c, resource: resource, namespace: namespace, fieldSelector: fieldSelector, newFunc: newFunc}
}

type listBody struct {
	Metadata struct {
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
	Items []json.RawMessage `json:"items"`
}

type watchBody struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

func (lw *ListWatch) request() *rest.Request {
	req := lw.client.Get().Namespace(lw.namespace).Resource(lw.resource)
	if lw.fieldSelector != "" {
		req = req.Param("fieldSelector", lw.fieldSelector)
	}
	return req
}

func (lw *ListWatch) List(ctx context.Context) ([]metav1.Object, string, error) {
	var body listBody
	if err := lw.request().Do(ctx).Into(&body); err != nil {
		return nil, "", err
	}
	items := make([]metav1.Object, 0, len(body.Items))
	for _, raw := range body.Items {
		obj := lw.newFunc()
		if err := json.Unmarshal(raw, obj); err != nil {
			return nil, "", err
		}
		items = append(items, obj)
	}
	return items, body.Metadata.ResourceVersion, nil
}

func (lw *ListWatch) Watch(ctx context.Context, resourceVersion string) (<-chan WatchEvent, error) {
	lines, err := lw.request().Param("watch", "true").Param("resourceVersion", resourceVersion).Stream(ctx)
	if err != nil {
		return nil, err
	}
	events := make(chan WatchEvent)
	go func() {
		defer close(events)
		for line := range lines {
			var body watchBody
			if json.Unmarshal(line, &body) != nil {
				continue
			}
			obj := lw.newFunc()
			if json.Unmarshal(body.Object, obj) != nil {
				continue
			}
			events <- WatchEvent{Type: body.Type, Object: obj}
		}
	}()
	return events, nil
}
