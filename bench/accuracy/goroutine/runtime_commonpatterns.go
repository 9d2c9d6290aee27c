// The common leak patterns the Go runtime's goroutine-leak profiler is tested on
// (src/runtime/testdata/testgoroutineleakprofile/commonpatterns.go, reconstructed), with
// the fixed variants beside them (those must stay silent).
package kernels

import (
	"context"
	"errors"
	"time"
)

func process(any) {}

// NoCloseRange: workers range over a channel the producer never closes.
func noCloseRange(list []any, workers int) {
	ch := make(chan any)
	for i := 0; i < workers; i++ {
		go func() {
			for item := range ch { // leak
				process(item)
			}
		}()
	}
	for _, item := range list {
		ch <- item
	}
}

func noCloseRangeFixed(list []any, workers int) {
	ch := make(chan any)
	for i := 0; i < workers; i++ {
		go func() {
			for item := range ch {
				process(item)
			}
		}()
	}
	for _, item := range list {
		ch <- item
	}
	close(ch)
}

// DoubleSend: a missing return after the error send makes the goroutine send twice.
func doubleSend(ch chan any, err error) {
	if err != nil {
		ch <- nil
	}
	ch <- nil // leak
}

func callDoubleSend(err error) {
	ch := make(chan any)
	go func() {
		doubleSend(ch, err)
	}()
	<-ch
}

func doubleSendFixed(ch chan any, err error) {
	if err != nil {
		ch <- nil
		return
	}
	ch <- nil
}

func callDoubleSendFixed(err error) {
	ch := make(chan any)
	go func() {
		doubleSendFixed(ch, err)
	}()
	<-ch
}

// EarlyReturn: the parent returns on error before receiving.
func earlyReturn(err error) {
	ch := make(chan any)
	go func() {
		ch <- nil // leak
	}()
	if err != nil {
		return
	}
	<-ch
}

func earlyReturnFixed(err error) {
	ch := make(chan any, 1)
	go func() {
		ch <- nil
	}()
	if err != nil {
		return
	}
	<-ch
}

// NCastLeak: n senders, one receive.
func nCastLeak(items []any) {
	ch := make(chan any)
	for range items {
		go func() {
			ch <- nil // leak
		}()
	}
	<-ch
}

func nCastLeakFixed(items []any) {
	ch := make(chan any, len(items))
	for range items {
		go func() {
			ch <- nil
		}()
	}
	<-ch
}

// Timeout: the context is done before the goroutine sends.
func timeout(ctx context.Context) {
	ch := make(chan any)
	go func() {
		ch <- nil // leak
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

func timeoutFixed(ctx context.Context) {
	ch := make(chan any, 1)
	go func() {
		ch <- nil
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// Timeout with time.After and an error result.
func callWithTimeout(f func() error, d time.Duration) error {
	errc := make(chan error)
	go func() {
		errc <- f() // leak
	}()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}

// MethodContractViolation: Start without Stop; the worker's select loop never ends. The
// channels are struct fields: a miss for the local rules.
type worker struct {
	ch   chan any
	done chan any
}

func (w worker) Start() {
	go func() {
		for {
			select { // leak
			case <-w.ch:
			case <-w.done:
				return
			}
		}
	}()
}

func (w worker) Stop()            { close(w.done) }
func (w worker) AddToQueue(x any) { w.ch <- x }

func methodContractViolation(items []any) {
	w := worker{ch: make(chan any), done: make(chan any)}
	w.Start()
	for _, it := range items {
		w.AddToQueue(it)
	}
}
