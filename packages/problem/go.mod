module example.com/quartet/packages/problem

go 1.26

require (
	example.com/quartet/packages/unavailable v0.0.0
	example.com/quartet/packages/validation v0.0.0
)

replace (
	example.com/quartet/packages/unavailable => ../unavailable
	example.com/quartet/packages/validation => ../validation
)
