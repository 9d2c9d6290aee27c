// GoBench goker blocking/moby/4395 (reconstructed): Go() runs f in a goroutine and returns
// the unbuffered result channel; a caller that never reads it leaves the goroutine blocked.
// The channel escapes (returned), so a syntax-only rule stays silent: a known miss.
package kernels

func Go(f func() error) chan error {
	ch := make(chan error)
	go func() {
		ch <- f() // leak
	}()
	return ch
}

func attach() {
	Go(func() error { return nil })
}
