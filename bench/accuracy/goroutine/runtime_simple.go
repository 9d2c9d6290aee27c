// The simple shapes of the runtime goroutine-leak profiler tests (reconstructed): a
// goroutine blocked on a channel nobody else can reach.
package kernels

// ChanSend: sends on a channel only it knows.
func chanSend() {
	go func() {
		ch := make(chan int)
		ch <- 0 // leak
	}()
}

// ChanRecv: receives on a channel only it knows (a blocked receive: not a send, not a
// range; outside these three rules).
func chanRecv() {
	go func() {
		ch := make(chan int)
		<-ch // leak
	}()
}

// Send after the only receiver is gone: the second goroutine's send has no partner.
func twoSenders() {
	ch := make(chan int)
	go func() { ch <- 1 }() // leak (either sender may be the one left)
	go func() { ch <- 2 }() // leak
	<-ch
}

// No leak: every send has its receive.
func paired() {
	ch := make(chan int)
	go func() { ch <- 1 }()
	go func() { ch <- 2 }()
	<-ch
	<-ch
}
