// etcd-io/etcd#7492, fixed: the token is handed to the keeper after the lock is released.
package kernels

import (
	"sync"
	"time"
)

type simpleTokenTTLKeeper struct {
	tokens          map[string]time.Time
	addSimpleTokenC chan string
	stopc           chan struct{}
	deleteTokenFunc func(string)
}

func (tm *simpleTokenTTLKeeper) run() {
	tokenTicker := time.NewTicker(time.Second)
	defer tokenTicker.Stop()
	for {
		select {
		case t := <-tm.addSimpleTokenC:
			tm.tokens[t] = time.Now().Add(5 * time.Minute)
		case <-tokenTicker.C:
			now := time.Now()
			for t, end := range tm.tokens {
				if now.After(end) {
					tm.deleteTokenFunc(t)
					delete(tm.tokens, t)
				}
			}
		case <-tm.stopc:
			return
		}
	}
}

type authStore struct {
	simpleTokensMu sync.Mutex
	simpleTokens   map[string]string
	keeper         *simpleTokenTTLKeeper
}

func (as *authStore) deleteToken(t string) {
	as.simpleTokensMu.Lock()
	defer as.simpleTokensMu.Unlock()
	delete(as.simpleTokens, t)
}

func newAuthStore() *authStore {
	as := &authStore{simpleTokens: map[string]string{}}
	as.keeper = &simpleTokenTTLKeeper{
		tokens:          map[string]time.Time{},
		addSimpleTokenC: make(chan string),
		stopc:           make(chan struct{}),
		deleteTokenFunc: as.deleteToken,
	}
	go as.keeper.run()
	return as
}

func (as *authStore) assignSimpleTokenToUser(user, token string) {
	as.simpleTokensMu.Lock()
	as.simpleTokens[token] = user
	as.simpleTokensMu.Unlock()
	as.keeper.addSimpleTokenC <- token
}
