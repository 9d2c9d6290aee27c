// kubernetes/kubernetes#85013 (BoundedFrequencyRunner tests): the runner's loop runs until
// it receives on stop, which the test sends at its very end; a failed check calls t.Fatalf
// first and the loop goroutine never stops. The fix moved the send into a defer.
package kernels

import (
	"testing"
	"time"
)

type runner struct{ ran int }

func (r *runner) Loop(stop <-chan struct{}) {
	for {
		select {
		case <-stop: // leak
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
	time.Sleep(10 * time.Millisecond)
	if r.ran == 0 {
		t.Fatalf("runner did not run")
	}
	stop <- struct{}{}
}
