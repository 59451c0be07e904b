package bot

import "errors"

// Errors the stores map their failures to, once, at their edge.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrRefused is a platform's final no (a chat not found, a file
	// refused): the same call would be refused again.
	ErrRefused = errors.New("refused by the platform")
)

// UserError is an error whose Message is safe to show to the customer or
// the engineer who caused it; Err carries the detail for the log.
type UserError struct {
	Message string
	Err     error
}

func (e *UserError) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

func (e *UserError) Unwrap() error { return e.Err }
