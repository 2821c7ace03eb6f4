// Package handlers turns HTTP requests into registry calls.
package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/registry/generic/registry"
)

// Admission plugins see the object after decoding and before storage; they may change it
// (mutating) or refuse it (validating).
type Admission interface {
	Admit(obj metav1.Object) error
}

// RequestScope is what a handler knows about the resource it serves.
type RequestScope struct {
	Resource  string
	New       func() metav1.Object
	Defaulter func(obj metav1.Object)
	Admit     []Admission
}

// CreateResource returns the handler for POST .../namespaces/{namespace}/{resource}.
// 一次 POST 的全部流程都在这里:解码 -> 填默认值 -> 准入 -> 写入存储 -> 返回 201。
func CreateResource(store *registry.Store, scope *RequestScope) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		namespace, ok := namespaceFromPath(req.URL.Path, scope.Resource)
		if !ok {
			http.NotFound(w, req)
			return
		}
		obj := scope.New()
		if err := json.NewDecoder(req.Body).Decode(obj); err != nil {
			writeError(w, &registry.StatusError{Code: http.StatusBadRequest, Message: err.Error()})
			return
		}
		if scope.Defaulter != nil {
			scope.Defaulter(obj)
		}
		for _, plugin := range scope.Admit {
			if err := plugin.Admit(obj); err != nil {
				writeError(w, &registry.StatusError{Code: http.StatusForbidden, Message: err.Error()})
				return
			}
		}
		ctx := registry.WithNamespace(req.Context(), namespace)
		out, err := store.Create(ctx, obj)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(out)
	}
}

// namespaceFromPath picks {namespace} out of /apis/<group>/<version>/namespaces/{namespace}/<resource>.
func namespaceFromPath(path, resource string) (string, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "namespaces" && parts[i+2] == resource {
			return parts[i+1], true
		}
	}
	return "", false
}

func writeError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	var status *registry.StatusError
	if errors.As(err, &status) {
		code = status.Code
	}
	http.Error(w, err.Error(), code)
}
