// GoBench goker blocking/moby/28462 (reconstructed): the health monitor goroutine holds
// the container lock while sending on the stop channel's receiver side, and the probe
// path waits for that lock. A lock/channel cycle: outside the channel rules (a miss).
package kernels

import "sync"

type State struct{ Health *Health }

type Health struct{ stop chan struct{} }

type Container struct {
	sync.Mutex
	State *State
}

func (d *Container) StateChanged() {
	d.Lock()
	defer d.Unlock()
	h := d.State.Health
	if h.stop != nil {
		h.stop <- struct{}{} // leak
	}
}

func monitor(c *Container, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			handleProbeResult(c)
		}
	}
}

func handleProbeResult(c *Container) {
	c.Lock() // leak
	c.Unlock()
}

func testMoby28462() {
	c := &Container{State: &State{Health: &Health{stop: make(chan struct{})}}}
	go monitor(c, c.State.Health.stop)
	go c.StateChanged()
}
