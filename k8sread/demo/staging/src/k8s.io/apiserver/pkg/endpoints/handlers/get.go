package handlers

import (
	"encoding/json"
	"net/http"
	"strings"

	"k8s.io/apiserver/pkg/registry/generic/registry"
)

// GetResource returns the handler for GET .../namespaces/{namespace}/{resource}/{name}.
func GetResource(store *registry.Store, scope *RequestScope) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		namespace, ok := namespaceFromPath(req.URL.Path, scope.Resource)
		name := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
		if !ok || name == scope.Resource {
			http.NotFound(w, req)
			return
		}
		ctx := registry.WithNamespace(req.Context(), namespace)
		obj, err := store.Get(ctx, name)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(obj)
	}
}

// ByMethod sends each HTTP method to its handler and answers 405 to the others.
func ByMethod(routes map[string]http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		if h, ok := routes[req.Method]; ok {
			h.ServeHTTP(w, req)
			return
		}
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}
