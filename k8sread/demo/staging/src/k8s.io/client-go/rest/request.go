// Package rest is the HTTP client every Kubernetes client is built on: a request builder
// that turns verb + namespace + resource + name into a URL, and a JSON body into a result.
// Written for k8sread's demo tree.
package rest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net/http"
	"strings"
)

// Config is the part of a kubeconfig the miniature uses.
type Config struct {
	Host        string
	APIPath     string // "/api" for the core group, "/apis/apps/v1" for apps
	BearerToken string
}

// RESTClient talks to one API group version.
type RESTClient struct {
	base   string
	token  string
	Client *http.Client
}

// RESTClientFor builds a client for config.
func RESTClientFor(config *Config) (*RESTClient, error) {
	if config.Host == "" {
		return nil, fmt.Errorf("rest: host must be set")
	}
	base := strings.TrimRight(config.Host, "/") + config.APIPath
	return &RESTClient{base: base, token: config.BearerToken, Client: http.DefaultClient}, nil
}

// Verb starts a request; Post, Get and Patch are shorthands.
func (c *RESTClient) Verb(verb string) *Request {
	return &Request{c: c, verb: verb}
}

func (c *RESTClient) Post() *Request  { return c.Verb("POST") }
func (c *RESTClient) Get() *Request   { return c.Verb("GET") }
func (c *RESTClient) Patch() *Request { return c.Verb("PATCH") }

// Request is built by chained calls; the first error sticks and is returned by Do.
type Request struct {
	c           *RESTClient
	verb        string
	namespace   string
	resource    string
	name        string
	subresource string
	params      []string
	body        []byte
	err         error
}

func (r *Request) Namespace(namespace string) *Request {
	r.namespace = namespace
	return r
}

func (r *Request) Resource(resource string) *Request {
	r.resource = strings.ToLower(resource)
	return r
}

func (r *Request) Name(name string) *Request {
	r.name = name
	return r
}

func (r *Request) SubResource(subresource string) *Request {
	r.subresource = subresource
	return r
}

// Param adds a query parameter, e.g. Param("watch", "true").
func (r *Request) Param(name, value string) *Request {
	r.params = append(r.params, name+"="+value)
	return r
}

// Body encodes obj as JSON; a []byte is sent as is (kubectl's patches are already bytes).
func (r *Request) Body(obj interface{}) *Request {
	if r.err != nil {
		return r
	}
	switch t := obj.(type) {
	case []byte:
		r.body = t
	default:
		r.body, r.err = json.Marshal(obj)
	}
	return r
}

// URL is /<apiPath>/namespaces/<ns>/<resource>/<name>/<subresource>?<params>.
// 路径拼接的顺序是固定的:namespace 在 resource 前面,subresource(比如 binding、status)在最后。
func (r *Request) URL() string {
	parts := []string{r.c.base}
	if r.namespace != "" {
		parts = append(parts, "namespaces", r.namespace)
	}
	for _, p := range []string{r.resource, r.name, r.subresource} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	url := strings.Join(parts, "/")
	if len(r.params) > 0 {
		url += "?" + strings.Join(r.params, "&")
	}
	return url
}

func (r *Request) newHTTPRequest(ctx context.Context) (*http.Request, error) {
	if r.err != nil {
		return nil, r.err
	}
	req, err := http.NewRequestWithContext(ctx, r.verb, r.URL(), bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if r.c.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.c.token)
	}
	return req, nil
}

// Do sends the request and reads the whole answer.
func (r *Request) Do(ctx context.Context) Result {
	req, err := r.newHTTPRequest(ctx)
	if err != nil {
		return Result{err: err}
	}
	resp, err := r.c.Client.Do(req)
	if err != nil {
		return Result{err: err}
	}
	defer resp.Body.Close()
	body, err := ioutil.ReadAll(resp.Body)
	result := Result{body: body, statusCode: resp.StatusCode, err: err}
	if err == nil && resp.StatusCode >= 300 {
		result.err = fmt.Errorf("%s %s: %d %s", r.verb, r.URL(), resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return result
}

// Stream sends a watch request and returns one JSON document per line of the answer.
func (r *Request) Stream(ctx context.Context) (<-chan []byte, error) {
	req, err := r.newHTTPRequest(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := r.c.Client.Do(req)
	if err != nil {
		return nil, err
	}
	out := make(chan []byte)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		scanner := bufio.NewScanner(resp.Body)
		for scanner.Scan() {
			line := append([]byte(nil), scanner.Bytes()...)
			select {
			case out <- line:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// Result is small and immutable, so its methods take a value receiver.
type Result struct {
	body       []byte
	statusCode int
	err        error
}

// Into decodes the answer into obj.
func (r Result) Into(obj interface{}) error {
	if r.err != nil {
		return r.err
	}
	return json.Unmarshal(r.body, obj)
}

func (r Result) Error() error { return r.err }

func (r Result) StatusCode() int { return r.statusCode }
