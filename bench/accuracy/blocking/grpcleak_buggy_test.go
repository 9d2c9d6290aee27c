// The grpc-go clientconn tests' shape (grpc/grpc-go#3133, #4570: goroutines left blocked
// when a test fails): a fake server goroutine waits for the test to tell it to go on, and
// the test stops at t.Fatal before it does.
package kernels

import (
	"net"
	"testing"
)

func TestGoAwayServer(t *testing.T) {
	lis, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	connected := make(chan struct{})
	go func() {
		conn, err := lis.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		<-connected // leak
		conn.Write([]byte("goaway"))
	}()
	cc, err := net.Dial("tcp", lis.Addr().String())
	if err != nil {
		t.Fatalf("Dial(%s) = %v", lis.Addr(), err)
	}
	defer cc.Close()
	close(connected)
}
