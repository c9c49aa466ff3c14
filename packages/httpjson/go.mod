module example.com/quartet/packages/httpjson

go 1.26
