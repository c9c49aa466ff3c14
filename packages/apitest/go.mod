module example.com/quartet/packages/apitest

go 1.26
