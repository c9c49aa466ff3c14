module example.com/quartet/packages/requestlog

go 1.26

require (
	example.com/quartet/packages/problem v0.0.0
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2
)

require (
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	github.com/aws/aws-lambda-go v1.41.0 // indirect
)

replace example.com/quartet/packages/problem => ../problem

replace example.com/quartet/packages/unavailable => ../unavailable
