"""The builder's domain (pure): readable changes between package documents and three-way merges."""
