// Seed 001, the blog engine: the router built a pool of reflect values for every route
// with reflect.MakeSlice and a default size of 800, and memory climbed from 14 MB to
// 228 MB in a day; a size near 10 was fine.
// Rule: oversized-reflect-pool.
package main

import (
	"fmt"
	"reflect"
)

const defaultPoolSize = 800

type pool struct {
	size int
	cur  int
	pool reflect.Value
	tp   reflect.Type
	stp  reflect.Type
}

func newPool(size int, tp reflect.Type) *pool {
	return &pool{
		size: size,
		cur:  0,
		pool: reflect.MakeSlice(reflect.SliceOf(tp), size, size),
		tp:   reflect.SliceOf(tp),
		stp:  tp,
	}
}

type route struct {
	name string
	pool *pool
}

func newRoute(name string, handler interface{}) *route {
	return &route{name: name, pool: newPool(defaultPoolSize, reflect.TypeOf(handler))}
}

type home struct{}

func main() {
	r := newRoute("/", home{})
	fmt.Println(r.name, r.pool.size)
}
