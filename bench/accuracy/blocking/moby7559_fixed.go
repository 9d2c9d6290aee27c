// moby/moby#7559, fixed: unlock before continuing.
package kernels

import (
	"log"
	"net"
	"sync"
)

type connTrackKey struct{ port int }

type UDPProxy struct {
	listener       *net.UDPConn
	backendAddr    *net.UDPAddr
	connTrackTable map[connTrackKey]*net.UDPConn
	connTrackLock  sync.Mutex
}

func (proxy *UDPProxy) Run() {
	buf := make([]byte, 65507)
	for {
		n, from, err := proxy.listener.ReadFromUDP(buf)
		if err != nil {
			return
		}
		key := connTrackKey{from.Port}
		proxy.connTrackLock.Lock()
		conn, hit := proxy.connTrackTable[key]
		if !hit {
			conn, err = net.DialUDP("udp", nil, proxy.backendAddr)
			if err != nil {
				log.Printf("can't proxy a datagram to udp/%s: %s", proxy.backendAddr, err)
				proxy.connTrackLock.Unlock()
				continue
			}
			proxy.connTrackTable[key] = conn
		}
		proxy.connTrackLock.Unlock()
		conn.Write(buf[:n])
	}
}
