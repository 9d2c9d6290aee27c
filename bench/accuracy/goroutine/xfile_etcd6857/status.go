package kernels

func (n *node) Status() Status {
	c := make(chan Status)
	n.status <- c // leak
	return <-c
}

// The fix: give up once the node is done.
func (n *fixedNode) Status() Status {
	c := make(chan Status)
	select {
	case n.status <- c:
		return <-c
	case <-n.done:
		return Status{}
	}
}
