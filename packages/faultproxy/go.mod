module example.com/quartet/packages/faultproxy

go 1.26
