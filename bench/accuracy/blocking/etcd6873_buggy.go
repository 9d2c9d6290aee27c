// etcd-io/etcd#6873 (grpcproxy watch broadcasts): stop() holds wbs.mu while it waits for the
// coalescing goroutine to finish (<-wbs.donec); that goroutine takes wbs.mu for every update
// before it can see the stop and close donec.
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
	defer wbs.mu.Unlock()
	wbs.bcasts = nil
	close(wbs.updatec)
	<-wbs.donec // leak
}
