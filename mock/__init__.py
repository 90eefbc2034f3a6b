"""The Broadcast API sandbox: a stateful Connexion server for spec/openapi.yaml."""
