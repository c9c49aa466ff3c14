module example.com/quartet/packages/etag

go 1.26

require example.com/quartet/packages/problem v0.0.0

require example.com/quartet/packages/unavailable v0.0.0 // indirect

replace example.com/quartet/packages/problem => ../problem

replace example.com/quartet/packages/unavailable => ../unavailable
