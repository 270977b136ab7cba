"""The console's pages, one module per area; each endpoint names the action it needs."""
