// homeport/havener#161: each node's command runs in a goroutine that calls wg.Done at its
// end; on an error it sends the error and returns first, so wg.Wait blocks the command
// forever. Fixed with defer wg.Done().
package kernels

import "sync"

func runOnNodes(nodes []string, run func(string) error) []error {
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes))
	for _, n := range nodes {
		wg.Add(1)
		go func(n string) {
			if err := run(n); err != nil {
				errs <- err
				return // leak
			}
			wg.Done()
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
