// GoBench goker blocking/kubernetes/25331 (reconstructed): watchChan.run returns when the
// context is cancelled, and sendError blocks on the errChan field it never drains. Field
// channel: outside what the local rules follow (a miss).
package kernels

import (
	"context"
	"errors"
)

type watchChan struct {
	ctx     context.Context
	cancel  context.CancelFunc
	errChan chan error
	result  chan struct{}
}

func newWatchChan() *watchChan {
	ctx, cancel := context.WithCancel(context.Background())
	return &watchChan{ctx: ctx, cancel: cancel, errChan: make(chan error), result: make(chan struct{})}
}

func (wc *watchChan) run() {
	go wc.startWatching()
	select {
	case err := <-wc.errChan:
		_ = err
	case <-wc.ctx.Done():
	}
	close(wc.result)
}

func (wc *watchChan) startWatching() {
	wc.sendError(errors.New("compacted"))
}

func (wc *watchChan) sendError(err error) {
	wc.errChan <- err // leak
}

func (wc *watchChan) Stop() { wc.cancel() }

func testKubernetes25331() {
	wc := newWatchChan()
	go wc.run()
	wc.Stop()
}
