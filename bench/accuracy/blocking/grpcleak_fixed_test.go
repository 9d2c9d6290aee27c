// The grpc-go clientconn tests' shape, fixed: the release is deferred before anything can fail.
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
	defer close(connected)
	go func() {
		conn, err := lis.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		<-connected
		conn.Write([]byte("goaway"))
	}()
	cc, err := net.Dial("tcp", lis.Addr().String())
	if err != nil {
		t.Fatalf("Dial(%s) = %v", lis.Addr(), err)
	}
	defer cc.Close()
}
