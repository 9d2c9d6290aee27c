// grpc/grpc-go#3133 (test/bufconn TestDeadline and others): goroutines report on an
// unbuffered channel and the test waits with a timeout; when the timeout fires, t.Fatal
// stops the test goroutine but the senders stay blocked ("Calling FailNow does not stop
// those other goroutines"). Fixed by a buffer for every sender.
package kernels

import (
	"net"
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()
	sig := make(chan error)
	go func() {
		_, err := p1.Read(make([]byte, 10))
		sig <- err // leak
	}()
	select {
	case err := <-sig:
		if err == nil {
			t.Fatalf("read returned no error")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("read did not time out")
	}
}
