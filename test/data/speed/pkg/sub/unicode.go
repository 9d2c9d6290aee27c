package sub

import "time"

// Ünïcödé before the call: columns are UTF-16 code units.
func ü() { go func() { _ = time.NewTimer(0) }() }
