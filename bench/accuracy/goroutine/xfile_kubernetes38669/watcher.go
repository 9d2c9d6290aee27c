// GoBench goker blocking/kubernetes/38669 (reconstructed), across two files: process
// (process.go) fills c.result, which nothing in the package receives from; with more initial
// events than the buffer holds it blocks forever. fixedWatcher hands result out.
package kernels

type event struct{}

type cacheWatcher struct {
	input  chan event
	result chan event
}

func newCacheWatcher(initEvents []event) *cacheWatcher {
	w := &cacheWatcher{input: make(chan event, 10), result: make(chan event, 10)}
	go w.process(initEvents)
	return w
}

func testKubernetes38669() {
	_ = newCacheWatcher(make([]event, 11))
}

type fixedWatcher struct {
	result chan event
}

func newFixedWatcher(initEvents []event) *fixedWatcher {
	w := &fixedWatcher{result: make(chan event, 10)}
	go w.process(initEvents)
	return w
}

// ResultChan: the caller receives the events.
func (w *fixedWatcher) ResultChan() <-chan event { return w.result }
