// Classic goroutine-leak shapes from the GoBench bug descriptions and the seed stories
// (reconstructed), each with a fixed variant that must stay silent.
package kernels

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

type conn struct{}

func (c *conn) handshake() error { return nil }

// dial with a context: the handshake result is lost when ctx is done first.
func dialContext(ctx context.Context, c *conn) error {
	errc := make(chan error)
	go func() {
		errc <- c.handshake() // leak
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func dialContextFixed(ctx context.Context, c *conn) error {
	errc := make(chan error, 1)
	go func() {
		errc <- c.handshake()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fan-in that returns at the first error: the other workers block.
func fetchAll(urls []string, get func(string) error) error {
	errc := make(chan error)
	for _, u := range urls {
		go func(u string) {
			errc <- get(u) // leak
		}(u)
	}
	for range urls {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

func fetchAllFixed(urls []string, get func(string) error) error {
	errc := make(chan error, len(urls))
	for _, u := range urls {
		go func(u string) {
			errc <- get(u)
		}(u)
	}
	for range urls {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// first response wins (hedged requests): the slower replicas block.
func query(replicas []string, ask func(string) string) string {
	c := make(chan string)
	for _, r := range replicas {
		go func(r string) { c <- ask(r) }(r) // leak
	}
	return <-c
}

// seed 003: the consumer stops at the first error, the producer sends with no way out.
func produceConsume(items []int, do func(int) error) error {
	ch := make(chan int)
	go func() {
		for _, it := range items {
			ch <- it // leak
		}
		close(ch)
	}()
	for v := range ch {
		if err := do(v); err != nil {
			return err
		}
	}
	return nil
}

func produceConsumeFixed(items []int, do func(int) error) error {
	ch := make(chan int)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(ch)
		for _, it := range items {
			select {
			case ch <- it:
			case <-done:
				return
			}
		}
	}()
	for v := range ch {
		if err := do(v); err != nil {
			return err
		}
	}
	return nil
}

// an accept loop result read with a deadline.
func acceptOne(l net.Listener, d time.Duration) (net.Conn, error) {
	type res struct {
		c   net.Conn
		err error
	}
	rc := make(chan res)
	go func() {
		c, err := l.Accept()
		rc <- res{c, err} // leak
	}()
	select {
	case r := <-rc:
		return r.c, r.err
	case <-time.After(d):
		return nil, errors.New("accept timeout")
	}
}

// workers ranging over jobs, results collected, jobs never closed.
func pool(jobs []int, n int, f func(int) int) []int {
	in := make(chan int)
	out := make(chan int, len(jobs))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in { // leak
				out <- f(j)
			}
		}()
	}
	for _, j := range jobs {
		in <- j
	}
	res := make([]int, 0, len(jobs))
	for range jobs {
		res = append(res, <-out)
	}
	return res
}

func poolFixed(jobs []int, n int, f func(int) int) []int {
	in := make(chan int)
	out := make(chan int, len(jobs))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				out <- f(j)
			}
		}()
	}
	for _, j := range jobs {
		in <- j
	}
	close(in)
	wg.Wait()
	close(out)
	res := make([]int, 0, len(jobs))
	for r := range out {
		res = append(res, r)
	}
	return res
}

// early error return after starting the reader (cockroach/etcd style).
func readWithCheck(check func() error, read func() ([]byte, error)) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	resc := make(chan result)
	go func() {
		b, err := read()
		resc <- result{b, err} // leak
	}()
	if err := check(); err != nil {
		return nil, err
	}
	r := <-resc
	return r.b, r.err
}

// a stop channel closed by the caller: the worker has a way out (no leak).
func ticker(stop chan struct{}, f func()) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f()
			case <-stop:
				return
			}
		}
	}()
}

// errgroup-like wait with a closer goroutine (no leak).
func gather(items []int, f func(int) int) int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			defer wg.Done()
			out <- f(it)
		}(it)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}
