package redisstore

import "sync"

// nearCache holds this process's copies of recently used sessions, so a
// step usually needs one Redis round trip (its commit) instead of two.
// A copy may be out of date, when another replica handled the customer
// since: the commit then refuses it and hands back the current value. At
// its size limit it forgets a tenth of its entries, whichever come first.
type nearCache struct {
	mu  sync.Mutex
	m   map[string]string
	max int
}

func newNearCache(max int) *nearCache {
	return &nearCache{m: make(map[string]string), max: max}
}

func (c *nearCache) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *nearCache) put(key, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		n := c.max / 10
		for k := range c.m {
			if n <= 0 {
				break
			}
			delete(c.m, k)
			n--
		}
	}
	c.m[key] = v
}

func (c *nearCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}
