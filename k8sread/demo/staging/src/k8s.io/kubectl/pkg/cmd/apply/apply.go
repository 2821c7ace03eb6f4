// Package apply implements `kubectl apply`: create the object if it does not exist, else
// patch it with the difference from what was applied last time. Written for k8sread's demo
// tree; the miniature reads manifests in JSON form only, as YAML needs a library.
package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"net/http"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
)

// LastAppliedConfigAnnotation keeps the manifest as it was applied, so the next apply can
// tell a field the user deleted from a field someone else set.
const LastAppliedConfigAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

var applyExample = `
	# 用 deployment.json 创建或更新 nginx Deployment
	kubectl apply -f ./deployment.json --server http://127.0.0.1:8080`

// ApplyOptions carries everything `kubectl apply` needs, filled by flags then Complete.
type ApplyOptions struct {
	Filename  *string
	Server    *string
	Namespace *string

	Out        io.Writer
	newClient  func(apiPath string) (*rest.RESTClient, error)
	objects    []*resourceInfo
	fieldOwner string
}

// resourceInfo is one object of the manifest with what is needed to address it.
type resourceInfo struct {
	mapping   restMapping
	Namespace string
	Name      string
	Object    map[string]interface{}
}

// restMapping is the answer to "which URL serves this kind?".
type restMapping struct {
	APIPath    string
	Resource   string
	Namespaced bool
}

// restMappings stands in for discovery: kubectl asks the server which groups and
// resources exist, then maps kind -> resource from the answer.
// 真实的 kubectl 通过 discovery 接口问 apiserver;迷你版直接写死这几个映射。
var restMappings = map[string]restMapping{
	"apps/v1/Deployment": {APIPath: "/apis/apps/v1", Resource: "deployments", Namespaced: true},
	"apps/v1/ReplicaSet": {APIPath: "/apis/apps/v1", Resource: "replicasets", Namespaced: true},
	"v1/Pod":             {APIPath: "/api/v1", Resource: "pods", Namespaced: true},
	"v1/Service":         {APIPath: "/api/v1", Resource: "services", Namespaced: true},
}

// NewApplyOptions returns options with the defaults of the command line.
func NewApplyOptions(out io.Writer) *ApplyOptions {
	return &ApplyOptions{Out: out, fieldOwner: "kubectl-client-side-apply"}
}

// NewCmdApply builds the `apply` subcommand of parent.
func NewCmdApply(parent string, out io.Writer) *cobra.Command {
	o := NewApplyOptions(out)
	cmd := &cobra.Command{
		Use:   "apply -f FILENAME",
		Short: "Apply a configuration to a resource by file name",
		Long:  "Apply a configuration to a resource by file name." + applyExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	o.Filename = cmd.StringFlagP("filename", "f", "")
	o.Server = cmd.StringFlag("server", "http://127.0.0.1:8080")
	o.Namespace = cmd.StringFlagP("namespace", "n", "default")
	return cmd
}

// Complete fills what flags cannot: the client factory and the parsed manifest.
func (o *ApplyOptions) Complete(cmd *cobra.Command) error {
	server := *o.Server
	o.newClient = func(apiPath string) (*rest.RESTClient, error) {
		return rest.RESTClientFor(&rest.Config{Host: server, APIPath: apiPath})
	}
	if *o.Filename == "" {
		return fmt.Errorf("%s: must specify -f", cmd.CommandPath())
	}
	data, err := ioutil.ReadFile(*o.Filename)
	if err != nil {
		return err
	}
	objects, err := o.decode(data)
	if err != nil {
		return fmt.Errorf("%s: %v", *o.Filename, err)
	}
	o.objects = objects
	return nil
}

// Validate checks what Complete could not, before anything is sent.
func (o *ApplyOptions) Validate() error {
	if len(o.objects) == 0 {
		return fmt.Errorf("no objects passed to apply")
	}
	for _, info := range o.objects {
		if info.Name == "" {
			return fmt.Errorf("an object of %s has no metadata.name", info.mapping.Resource)
		}
	}
	return nil
}

// Run applies every object in order and prints one line each, e.g.
// "deployment.apps/nginx created".
func (o *ApplyOptions) Run() error {
	ctx := context.Background()
	for _, info := range o.objects {
		verb, err := o.applyOneObject(ctx, info)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "%s/%s %s\n", displayName(info.mapping), info.Name, verb)
	}
	return nil
}

// applyOneObject is the heart of apply: GET the live object; if there is none, POST the
// manifest with the last-applied annotation; else PATCH what changed since last time.
// 第一次 apply 走 POST(创建),之后的 apply 走 PATCH;判断依据就是 GET 是否返回 404。
func (o *ApplyOptions) applyOneObject(ctx context.Context, info *resourceInfo) (string, error) {
	client, err := o.newClient(info.mapping.APIPath)
	if err != nil {
		return "", err
	}
	modified, err := withLastApplied(info.Object)
	if err != nil {
		return "", err
	}
	current := client.Get().Namespace(info.Namespace).Resource(info.mapping.Resource).Name(info.Name).Do(ctx)
	if current.StatusCode() == http.StatusNotFound {
		created := client.Post().Namespace(info.Namespace).Resource(info.mapping.Resource).Body(modified).Do(ctx)
		return "created", created.Error()
	}
	if err := current.Error(); err != nil {
		return "", err
	}
	var live map[string]interface{}
	if err := current.Into(&live); err != nil {
		return "", err
	}
	patch, err := mergePatch(lastApplied(live), info.Object)
	if err != nil {
		return "", err
	}
	if string(patch) == "{}" {
		return "unchanged", nil
	}
	patched := client.Patch().Namespace(info.Namespace).Resource(info.mapping.Resource).Name(info.Name).
		Param("fieldManager", o.fieldOwner).Body(patch).Do(ctx)
	return "configured", patched.Error()
}

func (o *ApplyOptions) decode(data []byte) ([]*resourceInfo, error) {
	var object map[string]interface{}
	if err := json.Unmarshal(data, &object); err != nil {
		return nil, err
	}
	apiVersion, _ := object["apiVersion"].(string)
	kind, _ := object["kind"].(string)
	mapping, ok := restMappings[apiVersion+"/"+kind]
	if !ok {
		return nil, fmt.Errorf("no matches for kind %q in version %q", kind, apiVersion)
	}
	metadata, _ := object["metadata"].(map[string]interface{})
	name, _ := metadata["name"].(string)
	namespace, _ := metadata["namespace"].(string)
	if namespace == "" && mapping.Namespaced {
		namespace = *o.Namespace
	}
	return []*resourceInfo{{mapping: mapping, Namespace: namespace, Name: name, Object: object}}, nil
}

// withLastApplied returns the manifest with itself stored in the annotation.
func withLastApplied(object map[string]interface{}) (map[string]interface{}, error) {
	original, err := json.Marshal(object)
	if err != nil {
		return nil, err
	}
	copied := map[string]interface{}{}
	for k, v := range object {
		copied[k] = v
	}
	metadata := map[string]interface{}{}
	if m, ok := object["metadata"].(map[string]interface{}); ok {
		for k, v := range m {
			metadata[k] = v
		}
	}
	annotations := map[string]interface{}{}
	if a, ok := metadata["annotations"].(map[string]interface{}); ok {
		for k, v := range a {
			annotations[k] = v
		}
	}
	annotations[LastAppliedConfigAnnotation] = string(original)
	metadata["annotations"] = annotations
	copied["metadata"] = metadata
	return copied, nil
}

func lastApplied(live map[string]interface{}) map[string]interface{} {
	metadata, _ := live["metadata"].(map[string]interface{})
	annotations, _ := metadata["annotations"].(map[string]interface{})
	raw, _ := annotations[LastAppliedConfigAnnotation].(string)
	var out map[string]interface{}
	if json.Unmarshal([]byte(raw), &out) != nil {
		return map[string]interface{}{}
	}
	return out
}

// mergePatch is a JSON merge patch from original to modified: changed keys get the new
// value, removed keys get null.
func mergePatch(original, modified map[string]interface{}) ([]byte, error) {
	return json.Marshal(diffMaps(original, modified))
}

func diffMaps(original, modified map[string]interface{}) map[string]interface{} {
	patch := map[string]interface{}{}
	for key, value := range modified {
		old, existed := original[key]
		oldMap, oldIsMap := old.(map[string]interface{})
		newMap, newIsMap := value.(map[string]interface{})
		switch {
		case oldIsMap && newIsMap:
			if sub := diffMaps(oldMap, newMap); len(sub) > 0 {
				patch[key] = sub
			}
		case !existed || !jsonEqual(old, value):
			patch[key] = value
		}
	}
	for key := range original {
		if _, kept := modified[key]; !kept {
			patch[key] = nil
		}
	}
	return patch
}

func jsonEqual(a, b interface{}) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}

// displayName is "deployment.apps" for apps/v1 deployments, "pod" for core pods.
func displayName(m restMapping) string {
	singular := strings.TrimSuffix(m.Resource, "s")
	if group := strings.TrimPrefix(m.APIPath, "/apis/"); group != m.APIPath {
		return singular + "." + strings.Split(group, "/")[0]
	}
	return singular
}
