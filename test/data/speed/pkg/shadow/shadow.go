package shadow

import (
	"fmt"
	yaml "gopkg.in/yaml.v3"
	"net/http"
	tm "time"
)

// A local named like an import shadows it in its function only.
func shadowed() {
	http := struct{ Get func(string) }{}
	http.Get("x")
	fmt.Println(tm.Now())
	_ = yaml.Marshal
}

func plain() {
	resp, _ := http.Get("http://example.com")
	_ = resp
	go func(fmt int) {
		_ = fmt
	}(1)
	fmt.Println("time")
}

func param(tm string) {
	_ = tm.Len
}
