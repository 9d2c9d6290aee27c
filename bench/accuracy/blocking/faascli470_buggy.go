// openfaas/faas-cli#470: the parallel build started workers that call wg.Add themselves,
// racing with wg.Wait in the caller, which can return before the builds ran.
package kernels

import "sync"

func build(functions []string, parallel int, buildOne func(string)) {
	var wg sync.WaitGroup
	work := make(chan string)
	for i := 0; i < parallel; i++ {
		go func() {
			wg.Add(1) // leak
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
