// etcd-io/etcd#6873, fixed: wait for the goroutine after releasing the lock.
package kernels

import "sync"

type watchBroadcasts struct {
	mu      sync.Mutex
	bcasts  map[int]struct{}
	updatec chan struct{}
	donec   chan struct{}
}

func newWatchBroadcasts() *watchBroadcasts {
	wbs := &watchBroadcasts{bcasts: map[int]struct{}{}, updatec: make(chan struct{}, 1), donec: make(chan struct{})}
	go func() {
		defer close(wbs.donec)
		for range wbs.updatec {
			wbs.mu.Lock()
			wbs.coalesce()
			wbs.mu.Unlock()
		}
	}()
	return wbs
}

func (wbs *watchBroadcasts) coalesce() {}

func (wbs *watchBroadcasts) stop() {
	wbs.mu.Lock()
	wbs.bcasts = nil
	close(wbs.updatec)
	wbs.mu.Unlock()
	<-wbs.donec
}
