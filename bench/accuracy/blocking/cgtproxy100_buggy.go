// black-desk/cgtproxy#100 ("channel is blocked when error equals nil"): the worker reports
// on the channel only when it fails, and the caller always waits for a report.
package kernels

func startRules(apply func() error) error {
	errCh := make(chan error)
	go func() {
		err := apply()
		if err != nil {
			errCh <- err
		}
	}()
	return <-errCh // leak
}
