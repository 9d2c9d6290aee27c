// GoBench goker blocking/kubernetes/38669 (reconstructed): the cacher keeps sending events
// to a cacheWatcher's input channel after the watcher stopped processing. Field channel
// through several methods: a miss for the local rules.
package kernels

type event struct{}

type cacheWatcher struct {
	input   chan event
	result  chan event
	stopped bool
}

func newCacheWatcher(initEvents []event) *cacheWatcher {
	w := &cacheWatcher{input: make(chan event, 10), result: make(chan event, 10)}
	go w.process(initEvents)
	return w
}

func (c *cacheWatcher) process(initEvents []event) {
	for _, e := range initEvents {
		c.result <- e // leak
	}
	for e := range c.input {
		c.result <- e
	}
}

func testKubernetes38669() {
	_ = newCacheWatcher(make([]event, 11))
}
