package kernels

func (p *pool) worker() {
	for j := range p.jobs { // leak
		_ = j
	}
}

func (p *fixedPool) worker() {
	for j := range p.jobs {
		_ = j
	}
}
