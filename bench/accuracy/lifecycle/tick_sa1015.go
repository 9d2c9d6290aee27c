// staticcheck SA1015, rewritten from its documentation: "Using time.Tick in a way that will
// leak. Consider using time.NewTicker, and only use time.Tick in tests, commands and
// endless functions." Plus ticker cases after tickeryzer's "missing ticker.Stop() call".
package lifecycle

import "time"

func waitFor(ready func() bool) {
	for range time.Tick(time.Second) { // leak
		if ready() {
			return
		}
	}
}

func pollSelect(done <-chan struct{}, work func()) {
	tick := time.Tick(time.Second) // leak
	for {
		select {
		case <-tick:
			work()
		case <-done:
			return
		}
	}
}

// An endless function may use time.Tick.
func forever(work func()) {
	for range time.Tick(time.Second) {
		work()
	}
}

// A ticker never stopped before the function returns.
func missingStop(ready func() bool) {
	t := time.NewTicker(time.Second) // leak
	for range t.C {
		if ready() {
			return
		}
	}
}

// Stopped: fine.
func stopped(ready func() bool) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for range t.C {
		if ready() {
			return
		}
	}
}
