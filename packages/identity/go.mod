module example.com/quartet/packages/identity

go 1.26

require (
	example.com/quartet/packages/lambdahttp v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
)

replace example.com/quartet/packages/lambdahttp => ../lambdahttp
