// black-desk/cgtproxy#100, fixed: the worker always reports, nil included.
package kernels

func startRules(apply func() error) error {
	errCh := make(chan error, 1)
	go func() {
		errCh <- apply()
	}()
	return <-errCh
}
