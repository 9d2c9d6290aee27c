package kernels

import "errors"

func (wc *watchChan) startWatching() { wc.sendError(errors.New("compacted")) }

func (wc *watchChan) sendError(err error) {
	wc.errChan <- err // leak
}

func (wc *fixedWatch) startWatching() { wc.sendError(errors.New("compacted")) }

func (wc *fixedWatch) sendError(err error) {
	select {
	case wc.errChan <- err:
	case <-wc.ctx.Done():
	}
}
