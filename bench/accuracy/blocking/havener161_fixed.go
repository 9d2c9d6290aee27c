// homeport/havener#161, fixed: Done is deferred.
package kernels

import "sync"

func runOnNodes(nodes []string, run func(string) error) []error {
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes))
	for _, n := range nodes {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			if err := run(n); err != nil {
				errs <- err
				return
			}
		}(n)
	}
	wg.Wait()
	close(errs)
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}
