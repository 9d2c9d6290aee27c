// More reflect pools: sizes through two calls, boundaries, and run-time sizes.
package pools2

import (
	"os"
	"reflect"
	"strconv"
)

const routePool = 1 << 8

type router struct{ vals reflect.Value }

func newPoolN(t reflect.Type, n int) reflect.Value {
	return reflect.MakeSlice(reflect.SliceOf(t), 0, n) // leak
}

func newRouter(t reflect.Type) *router {
	return &router{vals: newPoolN(t, routePool)}
}

func exactly64(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, 64, 64) // leak
}

// Silent: one under the threshold.
func just63(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, 63, 63)
}

// Silent: from the environment at run time.
func fromEnv(t reflect.Type) reflect.Value {
	n, _ := strconv.Atoi(os.Getenv("POOL"))
	return reflect.MakeSlice(t, n, n)
}

type pool struct {
	size int
	vals reflect.Value
}

// Silent: the size is a field set elsewhere.
func (p *pool) refill(t reflect.Type) {
	p.vals = reflect.MakeSlice(t, p.size, p.size)
}

func withDefault(t reflect.Type, size int) reflect.Value {
	if size == 0 {
		size = 1000
	}
	return reflect.MakeSlice(t, size, size) // leak
}

// Silent: the slice grows one at a time.
func appendOnly(t reflect.Type, v reflect.Value) reflect.Value {
	s := reflect.MakeSlice(reflect.SliceOf(t), 0, 1)
	return reflect.Append(s, v)
}
