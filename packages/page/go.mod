module example.com/quartet/packages/page

go 1.26

require example.com/quartet/packages/problem v0.0.0

require (
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	example.com/quartet/packages/validation v0.0.0 // indirect
)

replace (
	example.com/quartet/packages/problem => ../problem
	example.com/quartet/packages/unavailable => ../unavailable
	example.com/quartet/packages/validation => ../validation
)
