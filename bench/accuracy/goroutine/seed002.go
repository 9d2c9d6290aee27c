// Seed 002 (gb load generator): Benchmark.Run hands the jobs channel to its workers through
// a struct field; the workers range over h.jobs, which Run never closes.
package kernels

import "net/http"

type Config struct{ requests, concurrency int }

type HttpWorker struct {
	jobs  chan *http.Request
	start chan bool
}

func NewHttpWorker(config *Config, jobs chan *http.Request, start chan bool) *HttpWorker {
	return &HttpWorker{jobs: jobs, start: start}
}

func (h *HttpWorker) Run() {
	<-h.start
	for job := range h.jobs { // leak
		go h.send(job)
	}
}

func (h *HttpWorker) send(*http.Request) {}

type Benchmark struct {
	config *Config
	start  chan bool
	stop   chan bool
}

func (b *Benchmark) Run() {
	jobs := make(chan *http.Request, b.config.requests)
	for i := 0; i < b.config.concurrency; i++ {
		go NewHttpWorker(b.config, jobs, b.start).Run()
	}
	for i := 0; i < b.config.requests; i++ {
		request, _ := http.NewRequest("GET", "http://localhost/10k.dat", nil)
		jobs <- request
	}
	close(b.start)
	<-b.stop
}
