module example.com/quartet/packages/outbox

go 1.26

require example.com/quartet/packages/event v0.0.0

replace example.com/quartet/packages/event => ../event
