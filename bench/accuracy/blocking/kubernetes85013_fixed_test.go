// kubernetes/kubernetes#85013, fixed: the stop is deferred, so t.Fatalf runs it too.
package kernels

import (
	"testing"
	"time"
)

type runner struct{ ran int }

func (r *runner) Loop(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
			r.ran++
		}
	}
}

func TestRunnerNoBurst(t *testing.T) {
	r := &runner{}
	stop := make(chan struct{})
	go r.Loop(stop)
	defer func() { stop <- struct{}{} }()
	time.Sleep(10 * time.Millisecond)
	if r.ran == 0 {
		t.Fatalf("runner did not run")
	}
}
