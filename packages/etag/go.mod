module example.com/quartet/packages/etag

go 1.26

require example.com/quartet/packages/problem v0.0.0

replace example.com/quartet/packages/problem => ../problem
