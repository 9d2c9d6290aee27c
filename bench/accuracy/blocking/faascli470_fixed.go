// openfaas/faas-cli#470, fixed: Add before the go statement.
package kernels

import "sync"

func build(functions []string, parallel int, buildOne func(string)) {
	var wg sync.WaitGroup
	work := make(chan string)
	for i := 0; i < parallel; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				buildOne(name)
			}
		}()
	}
	for _, f := range functions {
		work <- f
	}
	close(work)
	wg.Wait()
}
