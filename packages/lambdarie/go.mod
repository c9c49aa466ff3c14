module example.com/quartet/packages/lambdarie

go 1.26

require (
	example.com/quartet/packages/testenv v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
)

replace example.com/quartet/packages/testenv => ../testenv
