// moby/moby#28462 (health checks, written after the GoBench kernel's description): the
// monitor goroutine takes the container lock on every probe round; StateChanged holds the
// container lock while it tells the monitor to stop on an unbuffered channel, and the
// monitor cannot receive while it waits for that lock.
package kernels

import "sync"

type Container struct {
	sync.Mutex
	healthStop chan struct{}
	probes     int
}

func NewContainer() *Container {
	c := &Container{healthStop: make(chan struct{})}
	go c.monitor()
	return c
}

func (c *Container) monitor() {
	for {
		select {
		case <-c.healthStop:
			return
		default:
			c.handleProbeResult()
		}
	}
}

func (c *Container) handleProbeResult() {
	c.Lock()
	c.probes++
	c.Unlock()
}

func (c *Container) StateChanged() {
	c.Lock()
	defer c.Unlock()
	c.healthStop <- struct{}{} // leak
}
