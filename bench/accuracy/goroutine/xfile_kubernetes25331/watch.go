// GoBench goker blocking/kubernetes/25331 (reconstructed), across two files: run's single
// select takes the context case once Stop cancels, and sendError (send.go) blocks on errChan
// forever. fixedWatch's sender also waits for the context.
package kernels

import "context"

type watchChan struct {
	ctx     context.Context
	cancel  context.CancelFunc
	errChan chan error
}

func newWatchChan() *watchChan {
	ctx, cancel := context.WithCancel(context.Background())
	return &watchChan{ctx: ctx, cancel: cancel, errChan: make(chan error)}
}

func (wc *watchChan) run() {
	go wc.startWatching()
	select {
	case err := <-wc.errChan:
		_ = err
	case <-wc.ctx.Done():
	}
}

func (wc *watchChan) Stop() { wc.cancel() }

func testKubernetes25331() {
	wc := newWatchChan()
	go wc.run()
	wc.Stop()
}

type fixedWatch struct {
	ctx     context.Context
	cancel  context.CancelFunc
	errChan chan error
}

func newFixedWatch() *fixedWatch {
	ctx, cancel := context.WithCancel(context.Background())
	return &fixedWatch{ctx: ctx, cancel: cancel, errChan: make(chan error)}
}

func (wc *fixedWatch) run() {
	go wc.startWatching()
	select {
	case err := <-wc.errChan:
		_ = err
	case <-wc.ctx.Done():
	}
}

func (wc *fixedWatch) Stop() { wc.cancel() }
