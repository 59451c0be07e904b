package bot

import "time"

// Clock tells the time; tests move it instead of sleeping.
type Clock func() time.Time
