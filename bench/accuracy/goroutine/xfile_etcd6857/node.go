// GoBench goker blocking/etcd/6857 (reconstructed), across two files: run's select is the
// only receiver of n.status and returns once Stop signals; Status (status.go) sends with no
// select, so after Stop the sender blocks forever. fixedNode is the fixed version.
package kernels

type Status struct{}

type node struct {
	status chan chan Status
	stop   chan struct{}
	done   chan struct{}
}

func newNode() *node {
	return &node{status: make(chan chan Status), stop: make(chan struct{}), done: make(chan struct{})}
}

func (n *node) run() {
	for {
		select {
		case c := <-n.status:
			c <- Status{}
		case <-n.stop:
			close(n.done)
			return
		}
	}
}

func (n *node) Stop() {
	select {
	case n.stop <- struct{}{}:
	case <-n.done:
		return
	}
	<-n.done
}

func testEtcd6857() {
	n := newNode()
	go n.run()
	n.Stop()
	go n.Status()
}

type fixedNode struct {
	status chan chan Status
	stop   chan struct{}
	done   chan struct{}
}

func newFixedNode() *fixedNode {
	return &fixedNode{status: make(chan chan Status), stop: make(chan struct{}), done: make(chan struct{})}
}

func (n *fixedNode) run() {
	for {
		select {
		case c := <-n.status:
			c <- Status{}
		case <-n.stop:
			close(n.done)
			return
		}
	}
}

func (n *fixedNode) Stop() {
	select {
	case n.stop <- struct{}{}:
	case <-n.done:
		return
	}
	<-n.done
}

func testFixed6857() {
	n := newFixedNode()
	go n.run()
	n.Stop()
	go n.Status()
}
