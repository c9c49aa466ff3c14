module example.com/quartet/packages/apispec

go 1.26
