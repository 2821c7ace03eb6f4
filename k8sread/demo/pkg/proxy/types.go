// Package proxy is what every kube-proxy mode shares: the handler interfaces fed by the
// Service and Endpoints informers, and the name of one service port.
// Written for k8sread's demo tree.
package proxy

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// ServiceHandler hears about Services.
type ServiceHandler interface {
	OnServiceAdd(service *corev1.Service)
	OnServiceUpdate(oldService, service *corev1.Service)
	OnServiceDelete(service *corev1.Service)
}

// EndpointsHandler hears about Endpoints.
type EndpointsHandler interface {
	OnEndpointsAdd(endpoints *corev1.Endpoints)
	OnEndpointsUpdate(oldEndpoints, endpoints *corev1.Endpoints)
	OnEndpointsDelete(endpoints *corev1.Endpoints)
}

// Provider is a proxy mode: iptables, ipvs, ...
type Provider interface {
	ServiceHandler
	EndpointsHandler
	// Sync applies everything heard so far, now.
	Sync()
	// SyncLoop runs periodic syncs and never returns.
	SyncLoop()
}

// ServicePortName identifies one port of one service, e.g. default/nginx:http.
type ServicePortName struct {
	Namespace string
	Name      string
	Port      string
	Protocol  string
}

// String is used in chain comments and logs; a value receiver, as the name is a map key.
func (spn ServicePortName) String() string {
	return fmt.Sprintf("%s/%s%s", spn.Namespace, spn.Name, fmtPortName(spn.Port))
}

func fmtPortName(in string) string {
	if in == "" {
		return ""
	}
	return ":" + in
}
