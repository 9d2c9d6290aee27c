// time.After in a select inside a loop, the shapes of issue 12 (no peer rule documents it).
package lifecycle

import "time"

func consume(msgs <-chan string, handle func(string)) {
	for {
		select {
		case m := <-msgs:
			handle(m)
		case <-time.After(5 * time.Minute): // leak
			return
		}
	}
}

// A lone case is a sleep.
func sleeps(n int) {
	for i := 0; i < n; i++ {
		select {
		case <-time.After(time.Minute):
		}
	}
}

// One timer, reset every round.
func reset(msgs <-chan string) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-msgs:
			t.Reset(time.Minute)
		case <-t.C:
			return
		}
	}
}
