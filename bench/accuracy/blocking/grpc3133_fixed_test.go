// grpc/grpc-go#3133, fixed: the channel has room for the sender's value.
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
	sig := make(chan error, 1)
	go func() {
		_, err := p1.Read(make([]byte, 10))
		sig <- err
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
