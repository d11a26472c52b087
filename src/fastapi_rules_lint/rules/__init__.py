"""One module per rule; the registry discovers every ``Rule`` subclass defined here."""
