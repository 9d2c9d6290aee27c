// cockroachdb/cockroach#584 (gossip): the bootstrap loop takes g.mu each round and breaks
// out when the gossip is stopped without unlocking it; manage() and every other user of
// g.mu then block forever.
package kernels

import (
	"sync"
	"time"
)

type Gossip struct {
	mu     sync.Mutex
	closed bool
	peers  int
}

func (g *Gossip) bootstrap() {
	for {
		g.mu.Lock() // leak
		if g.closed {
			break
		}
		g.peers++
		g.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

func (g *Gossip) manage() {
	for {
		g.mu.Lock()
		done := g.closed
		g.mu.Unlock()
		if done {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
