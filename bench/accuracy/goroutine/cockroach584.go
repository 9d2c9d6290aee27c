// GoBench goker blocking/cockroach/584 (reconstructed): the gossip bootstrap loop returns
// without unlocking when stopped; the next Lock blocks forever. A mutex leak: outside the
// channel rules (a miss).
package kernels

import "sync"

type Gossip struct {
	mu     sync.Mutex
	closed bool
}

func (g *Gossip) bootstrap() {
	for {
		g.mu.Lock()
		if g.closed {
			// missing g.mu.Unlock()
			break
		}
		g.mu.Unlock()
	}
}

func (g *Gossip) manage() {
	for {
		g.mu.Lock() // leak
		if g.closed {
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
	}
}

func testCockroach584() {
	g := &Gossip{closed: true}
	go func() {
		g.bootstrap()
		g.manage()
	}()
}
