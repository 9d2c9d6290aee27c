// A worker pool across two files (after the "Start without Stop" and worker-pool leaks in
// the Go blog and goleak's docs): Stop ends the monitor but not the workers, which stay in
// their range loop over p.jobs (worker.go). fixedPool closes its jobs in Stop.
package kernels

type job struct{}

type pool struct {
	jobs chan job
	quit chan struct{}
}

func newPool(n int) *pool {
	p := &pool{jobs: make(chan job), quit: make(chan struct{})}
	for i := 0; i < n; i++ {
		go p.worker()
	}
	go p.monitor()
	return p
}

func (p *pool) monitor() { <-p.quit }

func (p *pool) Submit(j job) { p.jobs <- j }

func (p *pool) Stop() { close(p.quit) }

type fixedPool struct {
	jobs chan job
	quit chan struct{}
}

func newFixedPool(n int) *fixedPool {
	p := &fixedPool{jobs: make(chan job), quit: make(chan struct{})}
	for i := 0; i < n; i++ {
		go p.worker()
	}
	go p.monitor()
	return p
}

func (p *fixedPool) monitor() { <-p.quit }

func (p *fixedPool) Submit(j job) { p.jobs <- j }

func (p *fixedPool) Stop() {
	close(p.quit)
	close(p.jobs)
}
