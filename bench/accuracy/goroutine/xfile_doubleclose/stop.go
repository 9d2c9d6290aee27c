package kernels

func (s *server) Stop() { close(s.done) }

func (s *fixedServer) Stop() {
	s.once.Do(func() { close(s.done) })
}
