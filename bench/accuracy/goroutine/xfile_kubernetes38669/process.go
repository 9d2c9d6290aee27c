package kernels

func (c *cacheWatcher) process(initEvents []event) {
	for _, e := range initEvents {
		c.result <- e // leak
	}
	for e := range c.input {
		_ = e
	}
}

func (w *fixedWatcher) process(initEvents []event) {
	for _, e := range initEvents {
		w.result <- e
	}
}
