package redisstore

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// pipeliner sends the commands that concurrent callers issue at about the
// same moment to Redis together, as one pipeline: one write and one read
// for many commands instead of a round trip each. On loopback and in
// virtual machines the system calls of a round trip cost more than Redis's
// work on a command, so a busy desk spends far less CPU per message. An
// idle caller waits for nobody: a free worker sends its command at once,
// and commands gather only while every worker is busy.
type pipeliner struct {
	client *redis.Client
	reqs   chan pipeReq
	quit   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

type pipeReq struct {
	cmd  redis.Cmder
	done chan struct{}
}

const (
	pipeWorkers  = 4
	pipeMaxBatch = 64
	pipeTimeout  = 5 * time.Second
)

func newPipeliner(client *redis.Client) *pipeliner {
	p := &pipeliner{client: client, reqs: make(chan pipeReq), quit: make(chan struct{})}
	for range pipeWorkers {
		p.wg.Go(p.work)
	}
	return p
}

// do runs cmd in the next pipeline and returns its error, which is also
// cmd's. A ctx that ends while cmd waits for a worker cancels it; once in
// a pipeline, cmd runs to its end.
func (p *pipeliner) do(ctx context.Context, cmd redis.Cmder) error {
	if err := p.send(ctx, cmd); err != nil {
		cmd.SetErr(err)
		return err
	}
	return cmd.Err()
}

func (p *pipeliner) send(ctx context.Context, cmd redis.Cmder) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := pipeReq{cmd: cmd, done: make(chan struct{})}
	select {
	case p.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-p.quit:
		return redis.ErrClosed
	}
	// Once sent, cmd is the worker's until its pipeline ends, within
	// pipeTimeout: returning early would leave cmd written under the caller.
	<-req.done
	return nil
}

func (p *pipeliner) work() {
	batch := make([]pipeReq, 0, pipeMaxBatch)
	for {
		select {
		case req := <-p.reqs:
			batch = append(batch[:0], req)
		case <-p.quit:
			return
		}
	gather:
		for len(batch) < pipeMaxBatch {
			select {
			case req := <-p.reqs:
				batch = append(batch, req)
			default:
				break gather
			}
		}
		p.exec(batch)
	}
}

func (p *pipeliner) exec(batch []pipeReq) {
	ctx, cancel := context.WithTimeout(context.Background(), pipeTimeout)
	defer cancel()
	pipe := p.client.Pipeline()
	for _, req := range batch {
		_ = pipe.Process(ctx, req.cmd)
	}
	_, _ = pipe.Exec(ctx) // each command carries its own error
	for _, req := range batch {
		close(req.done)
	}
}

func (p *pipeliner) close() {
	p.once.Do(func() {
		close(p.quit)
		p.wg.Wait()
	})
}

// get is GET through the pipeliner.
func (r *Redis) get(ctx context.Context, key string) *redis.StringCmd {
	cmd := redis.NewStringCmd(ctx, "get", key)
	_ = r.pipe.do(ctx, cmd)
	return cmd
}

// runScript runs a script through the pipeliner by its SHA1, and by its
// text when Redis does not know it yet (a new or restarted server).
func (r *Redis) runScript(ctx context.Context, s *redis.Script, keys []string, args ...any) *redis.Cmd {
	cmdArgs := make([]any, 0, 3+len(keys)+len(args))
	cmdArgs = append(cmdArgs, "evalsha", s.Hash(), len(keys))
	for _, k := range keys {
		cmdArgs = append(cmdArgs, k)
	}
	cmdArgs = append(cmdArgs, args...)
	cmd := redis.NewCmd(ctx, cmdArgs...)
	if err := r.pipe.do(ctx, cmd); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
		return s.Eval(ctx, r.Client, keys, args...)
	}
	return cmd
}
