// A done channel closed twice through the methods of its type (the double-close panics the
// Go FAQ and many "close of closed channel" fixes describe), across two files: Shutdown runs
// Stop (stop.go), which closes s.done, then closes it again. fixedServer guards with Once.
package kernels

import "sync"

type server struct {
	done chan struct{}
}

func (s *server) Shutdown() {
	s.Stop()
	close(s.done) // panic
}

func (s *server) Restart() {
	go s.Stop()
	go s.Stop() // panic
}

type fixedServer struct {
	done chan struct{}
	once sync.Once
}

func (s *fixedServer) Shutdown() {
	s.Stop()
	s.Stop()
}
