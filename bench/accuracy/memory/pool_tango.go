// Seed 001: lunny/tango's router kept a reflect pool of PoolSize values per route.
package tango

import (
	"reflect"
	"sync"
)

type pool struct {
	size int
	tp   reflect.Type
	stp  reflect.Type
	pool reflect.Value
	cur  int
	lock sync.Mutex
}

func newPool(size int, tp reflect.Type) *pool {
	return &pool{
		size: size,
		cur:  0,
		pool: reflect.MakeSlice(reflect.SliceOf(tp), size, size), // leak
		tp:   reflect.SliceOf(tp),
		stp:  tp,
	}
}

func (p *pool) New() reflect.Value {
	if p.size == 0 {
		return reflect.New(p.stp)
	}
	p.lock.Lock()
	defer p.lock.Unlock()
	if p.cur == p.pool.Len() {
		p.pool = reflect.MakeSlice(p.tp, p.size, p.size) // silent: p.size is a field, not a constant here
		p.cur = 0
	}
	res := p.pool.Index(p.cur).Addr()
	p.cur++
	return res
}

var PoolSize = 800

type Route struct {
	pool *pool
}

func NewRoute(tp reflect.Type) *Route {
	return &Route{pool: newPool(PoolSize, tp)}
}
