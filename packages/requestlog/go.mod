module example.com/quartet/packages/requestlog

go 1.26

require (
	example.com/quartet/packages/event v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/problem v0.0.0
)

require github.com/aws/aws-lambda-go v1.55.1 // indirect

require (
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	example.com/quartet/packages/validation v0.0.0 // indirect
)

replace (
	example.com/quartet/packages/event => ../event
	example.com/quartet/packages/lambdahttp => ../lambdahttp
	example.com/quartet/packages/problem => ../problem
	example.com/quartet/packages/unavailable => ../unavailable
	example.com/quartet/packages/validation => ../validation
)
