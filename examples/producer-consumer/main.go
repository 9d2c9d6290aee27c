// Seed 003, producers and consumers: the consumer returned on an error and stopped
// reading, so the producer blocked forever on its send, and its goroutine and everything
// it referenced leaked; and a consumer closed the channel its producers still send on,
// which panics. The story's rules: the producer closes, never the consumer; broadcast
// cancellation by closing a done channel.
// Rules: goroutine-blocked-send, consumer-closes-channel.
package main

import (
	"errors"
	"fmt"
)

type T struct{ n int }

func doSomething(v T) error {
	if v.n > 3 {
		return errors.New("too big")
	}
	return nil
}

// consumeFirstError returns on the first error; the producer then blocks on ch <- forever.
func consumeFirstError() error {
	ch := make(chan T)
	go func() {
		for i := 0; i < 10; i++ {
			ch <- T{n: i}
		}
		close(ch)
	}()
	for v := range ch {
		if err := doSomething(v); err != nil {
			return err
		}
	}
	return nil
}

// consumerCloses closes the channel from the receiving side while producers still send.
func consumerCloses() {
	ch := make(chan T)
	for i := 0; i < 3; i++ {
		go func(i int) {
			ch <- T{n: i}
		}(i)
	}
	v := <-ch
	close(ch)
	fmt.Println(v)
}

// produce and consume follow the story's recommended shape: select on a cancel channel
// that the consumer closes to broadcast "stop".
func produce(ch chan<- T, cancel chan struct{}) {
	select {
	case ch <- T{}:
	case <-cancel:
	}
}

func consume(ch <-chan T, cancel chan struct{}) error {
	v := <-ch
	if err := doSomething(v); err != nil {
		close(cancel)
		return err
	}
	return nil
}

func main() {
	fmt.Println(consumeFirstError())
	consumerCloses()
	ch := make(chan T)
	cancel := make(chan struct{})
	for i := 0; i < 10; i++ {
		go produce(ch, cancel)
	}
	fmt.Println(consume(ch, cancel))
}
