module example.com/quartet/packages/httproute

go 1.26

require (
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0
)

require (
	example.com/quartet/packages/lambdahttp v0.0.0-00010101000000-000000000000 // indirect
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	github.com/aws/aws-lambda-go v1.55.1 // indirect
)

replace (
	example.com/quartet/packages/problem => ../problem
	example.com/quartet/packages/requestlog => ../requestlog
)

replace example.com/quartet/packages/lambdahttp => ../lambdahttp

replace example.com/quartet/packages/unavailable => ../unavailable
