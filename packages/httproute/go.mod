module example.com/quartet/packages/httproute

go 1.26

require (
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0
)

require (
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	github.com/aws/aws-lambda-go v1.41.0 // indirect
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2 // indirect
)

replace (
	example.com/quartet/packages/problem => ../problem
	example.com/quartet/packages/requestlog => ../requestlog
)

replace example.com/quartet/packages/unavailable => ../unavailable
