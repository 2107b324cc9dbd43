"""One module per ARM resource type: validate the request, change the store, shape the response and headers."""
