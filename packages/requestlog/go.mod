module example.com/quartet/packages/requestlog

go 1.26

require (
	example.com/quartet/packages/lambdahttp v0.0.0-00010101000000-000000000000
	example.com/quartet/packages/problem v0.0.0
)

require github.com/aws/aws-lambda-go v1.55.1 // indirect

replace example.com/quartet/packages/lambdahttp => ../lambdahttp

require example.com/quartet/packages/unavailable v0.0.0 // indirect

replace example.com/quartet/packages/problem => ../problem

replace example.com/quartet/packages/unavailable => ../unavailable
