package pkg

import "time"

type server struct{ stop chan struct{} }

// Methods, nested literals, literals as arguments, as values and called at once.
func (s *server) run(n int) func() int {
	handler := func(x int) int {
		inner := func() int { return x * 2 }
		return inner() + func() int { return n }()
	}
	go func() {
		t := time.NewTicker(time.Second)
		defer func() { t.Stop() }()
		for {
			select {
			case <-t.C:
				_ = handler(1)
			case <-s.stop:
				return
			}
		}
	}()
	apply(func(v int) { _ = v + n }, handler)
	return func() int { return handler(n) }
}

func apply(f func(int), g func(int) int) { f(g(0)) }

var top = func() int { return 1 }()
