package sub

import "time"

func start(n int) {
	for i := 0; i < n; i++ {
		go work(i)
	}
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
	}()
}

func work(i int) {}
