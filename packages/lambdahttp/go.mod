module example.com/quartet/packages/lambdahttp

go 1.26
