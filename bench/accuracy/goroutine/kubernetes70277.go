// GoBench goker blocking/kubernetes/70277 (reconstructed): WaitFor returns when the
// condition holds, but the poller goroutine only stops when done is closed, and the
// caller never closes it. The goroutine is stuck in its select loop (a miss: nothing is
// sent or ranged; the channel is passed through a function value).
package kernels

import "time"

type WaitFunc func(done <-chan struct{}) <-chan struct{}

type ConditionFunc func() (bool, error)

func WaitFor(wait WaitFunc, fn ConditionFunc, done <-chan struct{}) error {
	c := wait(done)
	for {
		_, open := <-c
		ok, err := fn()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if !open {
			break
		}
	}
	return nil
}

func poller(interval time.Duration) WaitFunc {
	return WaitFunc(func(done <-chan struct{}) <-chan struct{} {
		ch := make(chan struct{})
		go func() {
			defer close(ch)
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for {
				select { // leak
				case <-tick.C:
					select {
					case ch <- struct{}{}:
					default:
					}
				case <-done:
					return
				}
			}
		}()
		return ch
	})
}

func pollImmediateUntil(interval time.Duration, condition ConditionFunc) error {
	done := make(chan struct{})
	return WaitFor(poller(interval), condition, done)
}
