module example.com/quartet/packages/dynamolocal

go 1.26

require example.com/quartet/packages/testenv v0.0.0

replace example.com/quartet/packages/testenv => ../testenv
