// moby/moby#28462, fixed: the monitor is stopped before the container lock is taken.
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
	c.healthStop <- struct{}{}
	c.Lock()
	defer c.Unlock()
	c.probes = 0
}
