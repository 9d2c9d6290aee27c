// Seed 002, the load generator: workers range over the jobs channel, and Run never
// closed it, so after the last job every worker stayed blocked in `for job := range
// jobs` (8.6 MB held until exit; 0.2 MB after adding close(jobs)).
// Rule: unclosed-range-channel.
package main

import (
	"fmt"
	"net/http"
	"sync"
)

type Benchmark struct {
	requests    int
	concurrency int
}

func newRequest() *http.Request {
	req, _ := http.NewRequest("GET", "http://localhost/10k.dat", nil)
	return req
}

func (b *Benchmark) Run(wg *sync.WaitGroup) {
	jobs := make(chan *http.Request, b.requests)
	for i := 0; i < b.concurrency; i++ {
		go func() {
			for job := range jobs {
				fmt.Println(job.URL)
				wg.Done()
			}
		}()
	}
	for i := 0; i < b.requests; i++ {
		wg.Add(1)
		jobs <- newRequest()
	}
	// The fix from the story: close(jobs) here, after the last send.
}

func main() {
	var wg sync.WaitGroup
	b := &Benchmark{requests: 10, concurrency: 2}
	b.Run(&wg)
	wg.Wait()
}
