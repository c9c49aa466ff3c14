module example.com/quartet/packages/httproute

go 1.26

require (
	example.com/quartet/packages/identity v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
)

require (
	example.com/quartet/packages/event v0.0.0 // indirect
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	example.com/quartet/packages/validation v0.0.0 // indirect
)

replace (
	example.com/quartet/packages/identity => ../identity
	example.com/quartet/packages/lambdahttp => ../lambdahttp
	example.com/quartet/packages/problem => ../problem
	example.com/quartet/packages/requestlog => ../requestlog
	example.com/quartet/packages/unavailable => ../unavailable
	example.com/quartet/packages/validation => ../validation
)

replace example.com/quartet/packages/event => ../event
