package devcluster

import (
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
)

// A node's port is registered on chain and kept for the cluster's life, while the
// processes around it bind ports of their own with port 0 all the time (the chain, the
// indexer, the publisher, tests). Node ports are therefore picked below the usual
// ephemeral ranges (Linux 32768–60999; BSD, macOS and Windows 49152–65535), which port 0
// never hands out, so that no port-0 listener takes the port of a node that is down.
const (
	nodePortMin = 20000
	nodePortEnd = 32768 // exclusive
)

// freePorts picks n distinct free ports on host in [nodePortMin, nodePortEnd). It holds
// each port until it has all of them.
func freePorts(host string, n int) ([]int, error) {
	var ports []int
	var lastErr error
	for attempt := 0; len(ports) < n; attempt++ {
		if attempt == 100*n {
			return nil, fmt.Errorf("devcluster: no %d free ports in %d..%d on %s: %w", n, nodePortMin, nodePortEnd-1, host, lastErr)
		}
		port := nodePortMin + rand.IntN(nodePortEnd-nodePortMin)
		if slices.Contains(ports, port) {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			lastErr = err
			continue
		}
		defer l.Close()
		ports = append(ports, port)
	}
	return ports, nil
}
