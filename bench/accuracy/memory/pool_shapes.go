// Other reflect pools and slices: argument pools of RPC frameworks, decoders' scratch
// slices, and the run-time sizes that must stay silent.
package pools

import (
	"reflect"

	"example.com/config"
)

const defaultArgPoolCap = 512

type argPool struct {
	vals reflect.Value
}

func newArgPool(t reflect.Type) *argPool {
	return &argPool{vals: reflect.MakeSlice(reflect.SliceOf(t), 0, defaultArgPoolCap)} // leak
}

const (
	KB = 1 << (10 * (iota + 1))
	MB
)

func scratch(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(reflect.SliceOf(t), 0, 4*KB) // leak
}

func literal(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, 1000, 1000) // leak
}

type cache struct{ slots reflect.Value }

func newCache(t reflect.Type, n int) *cache {
	c := &cache{}
	c.slots = reflect.MakeSlice(t, n, n) // leak
	return c
}

var defaultCache = newCache(reflect.TypeOf([]int{}), 256)

func local(t reflect.Type) reflect.Value {
	size := 100
	return reflect.MakeSlice(t, size, size) // leak
}

// Silent: the slice is as long as the data.
func fromData(v reflect.Value) reflect.Value {
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	reflect.Copy(out, v)
	return out
}

// Silent: empty, grown on demand.
func empty(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, 0, 0)
}

// Silent: small.
func small(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, 16, 16)
}

// Silent: the size comes from configuration at run time.
func configured(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, config.PoolSize, config.PoolSize)
}

// Silent: a growth step computed at run time (encoding/json's shape).
func grow(v reflect.Value) reflect.Value {
	newcap := v.Cap() + v.Cap()/2
	if newcap < 4 {
		newcap = 4
	}
	return reflect.MakeSlice(v.Type(), v.Len(), newcap)
}

// Silent: a plain make is not a reflect pool.
func plain() []int {
	return make([]int, 1000)
}

// Silent: MakeMapWithSize is not MakeSlice.
func mapSized(t reflect.Type) reflect.Value {
	return reflect.MakeMapWithSize(t, 1000)
}

var tunable = 4096

// SetTunable lets users change the pool size.
func SetTunable(n int) { tunable = n }

// Silent: tunable is a setting, not a fixed default.
func tunablePool(t reflect.Type) reflect.Value {
	return reflect.MakeSlice(t, tunable, tunable)
}

// Silent: every caller passes a run-time size.
func sized(t reflect.Type, n int) reflect.Value {
	return reflect.MakeSlice(t, n, n)
}

func callSized(t reflect.Type, xs []int) reflect.Value {
	return sized(t, len(xs))
}
