// cockroachdb/cockroach#584, fixed: unlock before leaving the loop.
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
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
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
