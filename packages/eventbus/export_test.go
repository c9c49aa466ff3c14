package eventbus

// Retry policy of Open, for the test that holds it to packages/awsconfig's.
const (
	AttemptTimeout = attemptTimeout
	MaxAttempts    = maxAttempts
	MaxBackoff     = maxBackoff
)
