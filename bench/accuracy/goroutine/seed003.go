// Seed 003 ("Go program memory leak analysis and avoid"): workers send results, the main
// thread reads one and exits on error; and the consumer that closes the channel. The fixed
// versions follow the seed's two principles (the producer closes; close(cancel) broadcasts).
package kernels

type T struct{}

func doSomeThing(T) error { return nil }

func produceLeaky(ch chan<- T) {
	ch <- T{} // leak
}

func consumeLeaky(ch <-chan T) error {
	v := <-ch
	return doSomeThing(v)
}

func leaky() error {
	ch := make(chan T)
	for i := 0; i < 10; i++ {
		go produceLeaky(ch)
	}
	return consumeLeaky(ch)
}

// the consumer closes while producers still send
func consumerCloses() {
	ch := make(chan T)
	for i := 0; i < 10; i++ {
		go func() {
			for {
				ch <- T{}
			}
		}()
	}
	<-ch
	close(ch) // panic
}

// principle 1: the producer closes, the consumer reads everything
func produce(ch chan<- T) {
	defer close(ch)
	ch <- T{}
}

func consume(ch <-chan T) {
	for range ch {
	}
}

func principle1() {
	ch := make(chan T)
	go produce(ch)
	consume(ch)
}

// principle 2: close(cancel) tells every producer to stop
func produceCancel(ch chan<- T, cancel chan struct{}) {
	select {
	case ch <- T{}:
	case <-cancel:
	}
}

func consumeCancel(ch <-chan T, cancel chan struct{}) {
	v := <-ch
	err := doSomeThing(v)
	if err != nil {
		close(cancel)
		return
	}
}

func principle2() {
	ch := make(chan T)
	cancel := make(chan struct{})
	for i := 0; i < 10; i++ {
		go produceCancel(ch, cancel)
	}
	consumeCancel(ch, cancel)
}
