// Correct channel code in shapes close to the leaks above (none of these leak): every
// finding here counts against precision.
package kernels

import (
	"context"
	"sync"
	"time"
)

// pipeline stages that each close their output
func gen(ctx context.Context, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func sq(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// merge with a WaitGroup closer
func merge(cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)
	output := func(c <-chan int) {
		for n := range c {
			out <- n
		}
		wg.Done()
	}
	wg.Add(len(cs))
	for _, c := range cs {
		go output(c)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// bounded parallelism with a semaphore channel
func bounded(items []int, f func(int)) {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func(it int) {
			defer wg.Done()
			defer func() { <-sem }()
			f(it)
		}(it)
	}
	wg.Wait()
}

// a timeout with a buffered result
func withTimeout(f func() int, d time.Duration) (int, bool) {
	res := make(chan int, 1)
	go func() { res <- f() }()
	select {
	case v := <-res:
		return v, true
	case <-time.After(d):
		return 0, false
	}
}

// done channel closed to stop a ticker loop
func runUntil(stop time.Duration, f func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f()
			case <-done:
				return
			}
		}
	}()
	time.Sleep(stop)
	close(done)
}

// all results received in a counted loop
func collect(n int, f func(int) int) []int {
	res := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) { res <- f(i) }(i)
	}
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, <-res)
	}
	return out
}

// worker pool whose jobs channel is closed after the last job
func workers(jobs []int, f func(int)) {
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				f(j)
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// request/response over a channel of reply channels
type req struct{ reply chan int }

func server(reqs chan req, quit chan struct{}) {
	for {
		select {
		case r := <-reqs:
			r.reply <- 42
		case <-quit:
			return
		}
	}
}

func ask(reqs chan req) int {
	r := req{reply: make(chan int, 1)}
	reqs <- r
	return <-r.reply
}
