// Package iptables is kube-proxy's iptables mode: every Service becomes a chain that jumps
// at random to one chain per endpoint, which DNATs to the pod IP.
// Written for k8sread's demo tree.
package iptables

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"log"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/proxy"
)

// The chains kube-proxy owns in the nat table.
// 名称	链	说明
// 入口	KUBE-SERVICES	按 ClusterIP:端口 匹配所有 Service
// 服务	KUBE-SVC-<hash>	一个 Service 端口,按概率随机选一个端点
// 端点	KUBE-SEP-<hash>	一个端点,DNAT 到 Pod IP
const (
	kubeServicesChain    = "KUBE-SERVICES"
	kubeMarkMasqChain    = "KUBE-MARK-MASQ"
	kubePostroutingChain = "KUBE-POSTROUTING"
)

// RestoreFunc loads a ruleset in iptables-restore format.
type RestoreFunc func(data []byte) error

// ExecRestore runs iptables-restore --noflush, which replaces only the chains it names.
func ExecRestore(data []byte) error {
	cmd := exec.Command("iptables-restore", "--noflush", "--counters")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables-restore: %v: %s", err, out)
	}
	return nil
}

type serviceInfo struct {
	clusterIP string
	port      int32
	protocol  string
}

// Proxier implements proxy.Provider with iptables.
type Proxier struct {
	mu           sync.Mutex
	serviceMap   map[proxy.ServicePortName]serviceInfo
	endpointsMap map[proxy.ServicePortName][]string // "ip:port" per endpoint

	hostname     string
	restore      RestoreFunc
	syncPeriod   time.Duration
	needFullSync bool
}

var _ proxy.Provider = &Proxier{}

// NewProxier returns a Proxier that writes rules through restore.
func NewProxier(hostname string, restore RestoreFunc, syncPeriod time.Duration) *Proxier {
	return &Proxier{
		serviceMap:   map[proxy.ServicePortName]serviceInfo{},
		endpointsMap: map[proxy.ServicePortName][]string{},
		hostname:     hostname,
		restore:      restore,
		syncPeriod:   syncPeriod,
	}
}

func (p *Proxier) OnServiceAdd(service *corev1.Service) { p.OnServiceUpdate(nil, service) }

func (p *Proxier) OnServiceUpdate(oldService, service *corev1.Service) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if oldService != nil {
		p.forgetService(oldService)
	}
	for _, port := range service.Spec.Ports {
		name := proxy.ServicePortName{Namespace: service.Namespace, Name: service.Name, Port: port.Name, Protocol: port.Protocol}
		p.serviceMap[name] = serviceInfo{clusterIP: service.Spec.ClusterIP, port: port.Port, protocol: port.Protocol}
	}
	p.needFullSync = true
}

func (p *Proxier) OnServiceDelete(service *corev1.Service) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.forgetService(service)
	p.needFullSync = true
}

func (p *Proxier) forgetService(service *corev1.Service) {
	for name := range p.serviceMap {
		if name.Namespace == service.Namespace && name.Name == service.Name {
			delete(p.serviceMap, name)
		}
	}
}

func (p *Proxier) OnEndpointsAdd(endpoints *corev1.Endpoints) { p.OnEndpointsUpdate(nil, endpoints) }

// OnEndpointsUpdate records the ready addresses; this is where the nginx pod's IP arrives
// once the kubelet reports it ready and the endpoints controller adds it.
func (p *Proxier) OnEndpointsUpdate(oldEndpoints, endpoints *corev1.Endpoints) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for name := range p.endpointsMap {
		if name.Namespace == endpoints.Namespace && name.Name == endpoints.Name {
			delete(p.endpointsMap, name)
		}
	}
	for _, subset := range endpoints.Subsets {
		for _, port := range subset.Ports {
			name := proxy.ServicePortName{Namespace: endpoints.Namespace, Name: endpoints.Name, Port: port.Name, Protocol: port.Protocol}
			for _, addr := range subset.Addresses {
				p.endpointsMap[name] = append(p.endpointsMap[name], fmt.Sprintf("%s:%d", addr.IP, port.Port))
			}
		}
	}
	p.needFullSync = true
}

func (p *Proxier) OnEndpointsDelete(endpoints *corev1.Endpoints) {
	p.OnEndpointsUpdate(nil, &corev1.Endpoints{ObjectMeta: endpoints.ObjectMeta})
}

// Sync applies the current state now.
func (p *Proxier) Sync() {
	p.syncProxyRules()
}

// SyncLoop syncs every syncPeriod, and sooner when something changed.
func (p *Proxier) SyncLoop() {
	ticker := time.NewTicker(p.syncPeriod)
	defer ticker.Stop()
	for range ticker.C {
		p.syncProxyRules()
	}
}

// syncProxyRules writes the whole nat table in one iptables-restore call.
// 每次都重写整张 nat 表而不是增量修改:规则多的时候这一步最慢,也是 ipvs 模式出现的原因。
func (p *Proxier) syncProxyRules() {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := time.Now()
	defer func() {
		log.Printf("syncProxyRules took %v", time.Since(start))
	}()

	data := p.writeRules()
	if err := p.restore(data); err != nil {
		log.Printf("Failed to execute iptables-restore: %v", err)
		return
	}
	p.needFullSync = false
}

// writeRules renders the nat table: KUBE-SERVICES matches the ClusterIP, the service chain
// picks an endpoint with statistic --probability 1/n, the endpoint chain DNATs.
func (p *Proxier) writeRules() []byte {
	var chains, rules bytes.Buffer
	fmt.Fprintln(&chains, "*nat")
	for _, chain := range []string{kubeServicesChain, kubeMarkMasqChain, kubePostroutingChain} {
		fmt.Fprintf(&chains, ":%s - [0:0]\n", chain)
	}
	names := make([]proxy.ServicePortName, 0, len(p.serviceMap))
	for name := range p.serviceMap {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i].String() < names[j].String() })

	for _, name := range names {
		svc := p.serviceMap[name]
		protocol := strings.ToLower(svc.protocol)
		svcChain := servicePortChainName(name.String(), protocol)
		fmt.Fprintf(&chains, ":%s - [0:0]\n", svcChain)
		fmt.Fprintf(&rules, "-A %s -m comment --comment \"%s cluster IP\" -m %s -p %s -d %s/32 --dport %d -j %s\n",
			kubeServicesChain, name.String(), protocol, protocol, svc.clusterIP, svc.port, svcChain)

		endpoints := p.endpointsMap[name]
		for i, ep := range endpoints {
			sepChain := servicePortEndpointChainName(name.String(), protocol, ep)
			fmt.Fprintf(&chains, ":%s - [0:0]\n", sepChain)
			if remaining := len(endpoints) - i; remaining > 1 {
				fmt.Fprintf(&rules, "-A %s -m statistic --mode random --probability %0.10f -j %s\n", svcChain, 1.0/float64(remaining), sepChain)
			} else {
				fmt.Fprintf(&rules, "-A %s -j %s\n", svcChain, sepChain)
			}
			fmt.Fprintf(&rules, "-A %s -m %s -p %s -j DNAT --to-destination %s\n", sepChain, protocol, protocol, ep)
		}
	}
	chains.Write(rules.Bytes())
	fmt.Fprintln(&chains, "COMMIT")
	return chains.Bytes()
}

// servicePortChainName is KUBE-SVC- plus 16 characters of a hash: stable across restarts,
// and within the 28 characters iptables allows.
func servicePortChainName(servicePortName, protocol string) string {
	return "KUBE-SVC-" + portProtoHash(servicePortName, protocol)
}

func servicePortEndpointChainName(servicePortName, protocol, endpoint string) string {
	hash := sha256.Sum256([]byte(servicePortName + protocol + endpoint))
	return "KUBE-SEP-" + base32.StdEncoding.EncodeToString(hash[:])[:16]
}

func portProtoHash(servicePortName, protocol string) string {
	hash := sha256.Sum256([]byte(servicePortName + protocol))
	return base32.StdEncoding.EncodeToString(hash[:])[:16]
}
