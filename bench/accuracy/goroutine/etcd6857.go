// GoBench goker blocking/etcd/6857 (reconstructed): Status() sends its reply channel on
// n.status, a field; after Stop the run loop is gone and the send blocks forever. The
// channel is a struct field made elsewhere: outside what the local rules follow (a miss).
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

func (n *node) Status() Status {
	c := make(chan Status)
	n.status <- c // leak
	return <-c
}

func testEtcd6857() {
	n := newNode()
	go n.run()
	n.Stop()
	go n.Status()
}
